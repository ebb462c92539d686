// The page's first HTML holds the values: on the real stack (testing/demo_stack.ts: simulator, feed,
// shadow, exporter, Prometheus, Alertmanager, peak_trade_web), one plain GET / (no script runs, as with
// curl or a text browser) shows the jobs UP, each pair's last bar with the close the feed stored, the
// shadow's decisions, and the proof folder with its verdict; never "loading…".
import assert from "node:assert/strict";
import { join } from "node:path";
import { EvidenceFolder } from "../lib/evidence/folder.ts";
import { pollUntil } from "../lib/async/poll.ts";
import { fmt } from "../lib/web/page/render.js";
import { withDemoStack } from "../testing/demo_stack.ts";

const VENUES = ["binance", "okx"];

async function getJson(url: string) {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  return await res.json();
}

Deno.test("the page's first HTML holds the values (plain GET on the real stack)", async () => {
  const opts = async (dir: string) => {
    const evidence = join(dir, "evidence");
    const proof = await EvidenceFolder.create("ai_live_local_verify", { root: evidence });
    await proof.write("OPERATOR_NOTE.txt", "tickproof local verify\n\nVERDICT: PASS\n");
    await proof.finalize();
    return { venues: VENUES, symbols: ["BTC-USDT"], webEvidenceDir: evidence };
  };
  await withDemoStack("tickproof_first_paint_", opts, async (stack) => {
    const web = stack.web!.url;
    let why = "";
    const ready = await pollUntil(
      async () => {
        const s = await getJson(`${web}/api/stack`);
        const f = await getJson(`${web}/api/feed`);
        const ai = await getJson(`${web}/api/ai`);
        why = [
          ...s.jobs.filter((j: { up: boolean }) => j.up !== true).map((j: { job: string }) =>
            `${j.job} not up`
          ),
          ...(s.jobs.length === 4 ? [] : [`${s.jobs.length} jobs`]),
          ...f.rows.filter((r: { lastBar: unknown }) => !r.lastBar).map((r: { venue: string }) =>
            `${r.venue} no bar`
          ),
          ...(ai.decisions.series.length ? [] : ["no decisions"]),
        ].join(", ");
        return why === "" ? true : undefined;
      },
      90_000,
      500,
    );
    assert.equal(ready, true, `stack ready (jobs up, bars, decisions) within 90 s: ${why}`);

    const res = await fetch(`${web}/`);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.doesNotMatch(html, /loading…|<!--ssr:/);
    for (const job of ["ai_live", "live_connector", "peak_trade_web", "shadow_mvs"]) {
      assert.match(
        html,
        new RegExp(`<tr><td>${job}</td><td>[^<]+</td><td><span class="badge ok">UP</span>`),
        job,
      );
    }
    assert.match(html, /<span id="stack-summary" class="muted">4 up, 0 down<\/span>/);
    for (const venue of VENUES) {
      const m = new RegExp(
        `<tr><td>${venue}</td><td>BTC-USDT</td><td>(\\d\\d:\\d\\d)</td><td class="num">([\\d,.]+)</td>`,
      )
        .exec(html);
      assert.ok(m, `${venue} row with its last bar in the first HTML`);
      // The close shown is the close the feed stored for that bar.
      const bars = await getJson(`${web}/api/bars?venue=${venue}&symbol=BTC-USDT&limit=1000`);
      const bar = bars.bars.findLast((b: { openTimeMs: number }) =>
        new Date(b.openTimeMs).toISOString().slice(11, 16) === m[1]
      );
      assert.ok(bar, `${venue} bar ${m[1]} is in the feed's history`);
      assert.equal(m[2], fmt(bar.c, 4));
    }
    assert.match(
      html,
      /<tr><td>stack_demo<\/td><td class="num">[1-9][\d,]*<\/td><\/tr>/,
      "decisions per run",
    );
    assert.match(
      html,
      /<span class="badge ok" title="[\d.]+ ms" data-pill="prometheus">prometheus up<\/span>/,
    );
    assert.match(
      html,
      /<tr><td>ai_live_local_verify<\/td><td>[^<]+<\/td><td><span class="badge ok">PASS<\/span>/,
    );
  });
});
