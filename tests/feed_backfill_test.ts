// Backfiller against the simulator's real REST (in front of it a loopback HTTP server that answers
// OKX's first request with 429): a rate limit keeps the whole range and pauses only that venue until
// Retry-After; long ranges are paged by the venue's limit (OKX 300); what Kraken no longer serves
// (older than its newest 720) is given up after five answers and counted. Clocks are hand-driven.
import assert from "node:assert/strict";
import { BarPipeline } from "../lib/bars/bar_pipeline.ts";
import { Backfiller } from "../lib/feed/backfill.ts";
import { RestKlineClient } from "../lib/feed/rest_fetch.ts";
import type { ReleasedBar } from "../lib/market/types.ts";
import { EPOCH, MINUTE, startSim } from "./feed_support.ts";

Deno.test("Backfiller: 429 keeps the range and pauses the venue; OKX paged past 300; unserved Kraken bars given up", async () => {
  const dir = await Deno.makeTempDir({ prefix: "feed_backfill_" });
  let simWall = Date.now();
  const sim = startSim(dir, {
    venues: ["okx", "kraken"],
    symbols: ["BTC-USDT"],
    speed: 60,
    startSimMs: EPOCH,
    tradeRate: 0.1,
    wallNow: () => simWall,
  });
  let okxRequests = 0;
  const proxy = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const u = new URL(req.url);
    if (u.pathname.startsWith("/okx/") && ++okxRequests === 1) {
      return new Response('{"code":"50011","msg":"Too Many Requests"}', {
        status: 429,
        headers: { "retry-after": "7" },
      });
    }
    const r = await fetch(`http://127.0.0.1:${sim.port}${u.pathname}${u.search}`);
    return new Response(await r.text(), { status: r.status, headers: r.headers });
  });
  try {
    simWall += (801 * MINUTE) / 60; // 801 simulated minutes on, at once
    sim.sim.tick();
    const now = () => sim.sim.clock.nowMs();
    let wall = 1_000_000;
    const base = `http://127.0.0.1:${proxy.addr.port}`;
    const rest = new RestKlineClient({
      bases: { okx: `${base}/okx`, kraken: `${base}/kraken` },
      now,
      wallNow: () => wall,
    });
    const released: ReleasedBar[] = [];
    const p = new BarPipeline({ intervals: ["1m"], startMs: now() }, (b) => released.push(b));
    const opens = (n: number) => Array.from({ length: n }, (_, i) => EPOCH + i * MINUTE);
    p.restoreGaps("okx", "BTC-USDT", "1m", opens(400), now());
    p.restoreGaps("kraken", "BTC-USDT", "1m", opens(800), now());
    const bf = new Backfiller({ pipeline: p, rest, now, wallNow: () => wall });
    const pending = (v: string) => p.pendingGaps().filter((g) => g.venue === v).length;

    await bf.tick();
    assert.equal(okxRequests, 1);
    assert.equal(rest.rateLimited, 1);
    assert.equal(pending("okx"), 400, "the rate-limited range is kept whole");
    // Minutes 0..800 have closed: Kraken serves 81..800, so its gaps 0..80 are left.
    assert.equal(pending("kraken"), 81, "Kraken went on: only gaps older than its newest 720 bars are left");
    await bf.tick();
    assert.equal(okxRequests, 1, "OKX paused until Retry-After");
    wall += 7000;
    await bf.tick();
    assert.equal(okxRequests, 3, "400 bars = two pages of 300");
    assert.equal(pending("okx"), 0);
    for (let i = 0; i < 5 && pending("kraken") > 0; i++) await bf.tick();
    assert.equal(pending("kraken"), 0);
    assert.equal(bf.abandoned, 81);
    assert.equal(bf.filled, 400 + 719);
    assert.equal(p.dq.totalInterval("abandoned_gaps"), 81);
    assert.equal(released.length, 400 + 719);
    assert.ok(released.every((b) => b.origin === "backfill"));
    for (const v of ["okx", "kraken"]) {
      const t = released.filter((b) => b.venue === v).map((b) => b.openTimeMs);
      assert.ok(t.every((x, i) => i === 0 || x === t[i - 1] + MINUTE), `${v} released in open-time order`);
    }
  } finally {
    await proxy.shutdown();
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
