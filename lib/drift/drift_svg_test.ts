import assert from "node:assert/strict";
import { histogramSvg } from "./drift_svg.ts";
import { judgeFeature } from "./judge.ts";

const OPTS = { bins: 10, resamples: 50, seed: 1, block: 1, features: [] };

async function xmllint(svg: string): Promise<{ code: number; err: string }> {
  const out = await new Deno.Command("xmllint", { args: ["--noout", "-"], stdin: "piped", stderr: "piped" })
    .spawn();
  const w = out.stdin.getWriter();
  await w.write(new TextEncoder().encode(svg));
  await w.close();
  const r = await out.output();
  return { code: r.code, err: new TextDecoder().decode(r.stderr) };
}

Deno.test("histogram SVG: well-formed, one bar per bin and window with its count, PSI and null p95 in the title", async () => {
  const ref = Array.from({ length: 100 }, (_, i) => i);
  const cur = Array.from({ length: 50 }, (_, i) => 50 + i);
  const d = judgeFeature("rsi_14", ref, cur, OPTS);
  const svg = histogramSvg(d, "rsi_14 <as stored> & more");
  const lint = await xmllint(svg);
  assert.equal(lint.code, 0, lint.err);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.equal([...svg.matchAll(/<title>reference /g)].length, 10);
  assert.equal([...svg.matchAll(/<title>current /g)].length, 10);
  assert.match(svg, /<title>reference \(-inf, 9\]: 10 \(10%\)<\/title>/);
  assert.match(svg, /<title>current \(89, \+inf\): 10 \(20%\)<\/title>/);
  assert.match(svg, /<title>current \(-inf, 9\]: 0 \(0%\)<\/title>/);
  assert.ok(
    svg.includes(
      `rsi_14: PSI ${Number(d.psi.toPrecision(4))} (null p95 ${Number(d.nullP95.toPrecision(4))}) FLAGGED`,
    ),
  );
  assert.ok(svg.includes("rsi_14 &lt;as stored&gt; &amp; more; reference n=100, current n=50"));
});

Deno.test("histogram SVG of a constant reference: two bins, still well-formed", async () => {
  const d = judgeFeature("volume", new Array(60).fill(0), [0, 0, 1], OPTS);
  const svg = histogramSvg(d, "volume");
  assert.equal((await xmllint(svg)).code, 0);
  assert.equal([...svg.matchAll(/<\/title><\/rect>/g)].length, 4);
  assert.ok(svg.includes("edges: 0"));
});
