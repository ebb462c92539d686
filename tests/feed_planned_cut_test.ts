// Planned cuts every few simulated minutes under a high trade rate, against the real simulator, the
// real feed and a real DuckDB store: Binance serverShutdown and OKX notice 64008, each followed by the
// close after a notice period. Every cut is handed over make-before-break: no disconnect, no reconnect,
// no gap; the stored bars equal the ground truth and every bar's trade count is exact (the overlap's
// duplicates were dropped by trade id, none counted twice).
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Venue } from "../lib/market/types.ts";
import { jsonLogger } from "../lib/log.ts";
import { type RunningFeed, startFeed } from "../lib/feed/run.ts";
import { EPOCH, feedConfig, MINUTE, startSim } from "./feed_support.ts";
import { waitFor } from "../lib/async/poll.ts";
import { compare, duplicateKeys, storedBars, truthBars } from "./feed_truth.ts";

const VENUES: Venue[] = ["binance", "okx"];
const SYMBOLS = ["BTC-USDT", "ETH-USDT"];
const START = EPOCH + 30_000; // mid-minute: the first bar is a gap, everything after is live
const HANDOVERS = 3; // per connection

Deno.test("feed under planned cuts: make-before-break handovers, stored bars equal the truth", async () => {
  const dir = await Deno.makeTempDir({ prefix: "feed_cuts_" });
  const chaosFile = join(dir, "chaos.json");
  const setChaos = (c: unknown) => Deno.writeTextFileSync(chaosFile, JSON.stringify(c));
  // Speed 60: a cut every 4 simulated minutes, closed 3 simulated minutes after its notice (the new
  // connection has 3 wall seconds to subscribe, plenty even on a loaded machine).
  setChaos({ venues: VENUES, cutEveryS: 4, cutNoticeS: 3 });
  const sim = startSim(dir, {
    venues: VENUES,
    symbols: SYMBOLS,
    speed: 60,
    startSimMs: START,
    tradeRate: 16, // per venue, symbol and simulated second: ~1000 trades per wall second each
    chaosFile,
  });
  const db = join(dir, "feed.duckdb");
  const config = feedConfig(sim.port, {
    VENUES_ENABLED: VENUES.join(","),
    SYMBOLS: SYMBOLS.join(","),
    INTERVALS: "1m",
    STORE_PATH: db,
    // Two wall seconds: a loaded machine must not make trades late (that is another test's subject).
    BAR_CLOSE_GRACE_MS: "120000",
    STALE_TIMEOUT_MS: "3000",
    BACKOFF_BASE_MS: "20",
    BACKOFF_MAX_MS: "100",
  });
  const ctrl = new AbortController();
  let feed: RunningFeed | null = null;
  const logs: { msg: string; connection?: string; ok?: boolean }[] = [];
  try {
    const f = (await startFeed({
      config,
      hostname: "127.0.0.1",
      port: 0,
      log: jsonLogger("feed", { write: (l) => logs.push(JSON.parse(l)) }),
      signal: ctrl.signal,
    }))!;
    feed = f;
    const conns = f.service.connections;
    await waitFor("every connection up", () => conns.every((c) => c.up), { timeoutMs: 20_000 });
    const upMs = f.service.feedNow();
    await waitFor(
      `${HANDOVERS} handovers on every connection`,
      () => conns.every((c) => c.stats.handovers >= HANDOVERS),
      { timeoutMs: 90_000 },
    );
    setChaos({});
    // Cuts announced before the chaos file is re-read still complete: wait for those too.
    await waitFor("no handover in progress", () => sim.sim.conns.size === conns.length, {
      timeoutMs: 20_000,
    });
    const until = f.service.feedNow() + 2 * MINUTE;
    const want = Math.floor((until - upMs) / MINUTE);
    await waitFor(
      "every 1m bar up to two minutes after the last cut stored",
      () =>
        f.service.committer.storedBy.size === VENUES.length * SYMBOLS.length &&
        [...f.service.committer.storedBy.values()].every((n) => n >= want) &&
        f.service.pipeline.pendingGaps().length === 0,
      { timeoutMs: 60_000 },
    );
    await f.stop();
    feed = null;

    // Lossless and invisible downstream: one connect per connection, never a disconnect.
    const cuts = (v: Venue) =>
      Deno.readTextFileSync(sim.chaosPath).split("\n").filter((l) =>
        l.includes('"kind":"cut"') && l.includes(`"venue":"${v}"`)
      ).length;
    for (const v of VENUES) assert.ok(cuts(v) >= HANDOVERS, `${v}: ${cuts(v)} cuts`);
    for (const c of conns) {
      assert.deepEqual(
        [c.stats.reconnects, c.stats.handoverFailures, c.stats.connects],
        [0, 0, c.stats.handovers + 1],
        `${c.name}: reconnects, failed handovers, connects; ${
          JSON.stringify(logs.filter((l) => l.connection === c.name && l.msg !== "connection handed over"))
        }`,
      );
    }
    assert.deepEqual(logs.filter((l) => l.msg === "connected").length, conns.length);
    assert.deepEqual(logs.filter((l) => l.msg === "disconnected" || l.msg === "handover failed"), []);
    assert.ok(logs.filter((l) => l.msg === "connection handed over").length >= HANDOVERS * conns.length);
    for (const v of VENUES) {
      // Both links delivered during the overlaps: those copies dropped as replays, not as live duplicates.
      assert.ok(f.service.ingest.total("snapshotDuplicates", v) > 0, `${v}: overlap duplicates dropped`);
      for (const s of SYMBOLS) {
        const dq = f.service.pipeline.dq.symbol(v, s);
        const live = dq.duplicates - f.service.ingest.counters(v, s).snapshotDuplicates;
        assert.deepEqual([live, dq.id_gaps, dq.late_trades, dq.invalid], [0, 0, 0, 0], `${v} ${s} dq`);
      }
    }

    const bars = await storedBars(db);
    assert.equal(await duplicateKeys(db), 0);
    // Only bars from before the links were up are gaps; every bar after that was built from live trades.
    const backfilled = bars.filter((b) => b.origin === "backfill");
    assert.ok(
      backfilled.every((b) => b.openTimeMs <= upMs),
      `backfilled: ${backfilled.map((b) => b.openTimeMs)}`,
    );
    assert.ok(bars.length >= VENUES.length * SYMBOLS.length * want, `${bars.length} bars`);
    // OHLCV exact and, for every live bar, the trade count equal to the truth: no trade counted twice.
    assert.deepEqual(compare(bars, truthBars(sim.truthPath, ["1m"])), []);
  } finally {
    await feed?.stop();
    ctrl.abort();
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
