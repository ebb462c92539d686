import assert from "node:assert/strict";
import { join } from "node:path";
import type { GateRecord } from "./gate_record.ts";
import { renderJunit, xmlEscape } from "./junit.ts";

const XSD = new URL("../../tests/fixtures/schemas/junit-10.xsd", import.meta.url).pathname;

const GATES: GateRecord[] = [
  {
    key: "up_jobs_rc",
    promql: 'up{job=~"ai_live|shadow_mvs"}',
    want: "=2",
    status: "PASS",
    value: 2,
    detail: "all up",
  },
  {
    key: "decisions_sum",
    promql: "sum(peaktrade_ai_decisions_total)",
    want: ">0",
    status: "FAIL",
    value: 0,
    detail: "",
  },
  {
    key: "heartbeat_rc",
    promql: "peaktrade_ai_live_heartbeat",
    want: "=1",
    status: "NO_DATA",
    value: null,
    detail: "empty result",
  },
  {
    key: "web_page",
    promql: "GET http://127.0.0.1:8080/",
    want: "HTTP 2xx",
    status: "ERROR",
    value: null,
    detail: "refused <&>\u0001",
  },
];

async function xmllint(xml: string): Promise<{ code: number; err: string }> {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "gates.junit.xml");
    await Deno.writeTextFile(file, xml);
    const out = await new Deno.Command("xmllint", {
      args: ["--noout", "--schema", XSD, file],
      stderr: "piped",
    })
      .output();
    return { code: out.code, err: new TextDecoder().decode(out.stderr) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("junit: a failing proof validates against junit-10.xsd with xmllint", async () => {
  const xml = renderJunit({
    name: "ai_live_local_verify",
    timestamp: "2026-12-02T07:00:00Z",
    seconds: 9.5,
    gates: GATES,
  });
  const r = await xmllint(xml);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /validates/);
});

Deno.test("junit: counts, one testcase per gate, failure vs error, observed value and source in the message", () => {
  const xml = renderJunit({ name: "ops", timestamp: "t", seconds: 1, gates: GATES });
  assert.match(xml, /<testsuite name="ops" tests="4" failures="1" errors="2" time="1.000" skipped="0"/);
  assert.equal(xml.match(/<testcase /g)?.length, 4);
  assert.match(
    xml,
    /<failure type="gate" message="FAIL: observed 0, want &gt;0; source: sum\(peaktrade_ai_decisions_total\)">/,
  );
  assert.match(xml, /<error type="NO_DATA" message="NO_DATA: observed none, want =1 \(empty result\)/);
  assert.match(xml, /refused &lt;&amp;&gt;\)/, "escaped, control character dropped");
  assert.match(
    xml,
    /<system-out>PASS: observed 2, want =2 \(all up\); source: up\{job=~&quot;ai_live\|shadow_mvs&quot;\}/,
  );
});

Deno.test("junit: an empty gate list still validates (a proof that judged nothing)", async () => {
  const r = await xmllint(renderJunit({ name: "x", timestamp: "t", seconds: 0, gates: [] }));
  assert.equal(r.code, 0, r.err);
});

Deno.test("junit: the schema check is real: a testsuite without its required attributes is refused", async () => {
  const r = await xmllint(`<?xml version="1.0"?>\n<testsuites><testsuite name="x"/></testsuites>\n`);
  assert.notEqual(r.code, 0);
  assert.match(r.err, /tests.*required|required.*tests/);
});

Deno.test("xmlEscape: the five XML specials", () => {
  assert.equal(xmlEscape(`a<b>&"c'`), "a&lt;b&gt;&amp;&quot;c&apos;");
});
