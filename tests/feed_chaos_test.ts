// Chaos against the real simulator (600x): dropped connections, malformed frames, NaN / negative
// values, duplicates, then a silent stall. Every injected anomaly the feed can see 1:1 is counted
// exactly; after backfill and REST checks the stored bars equal the ground truth; the stall is
// detected as stale and reconnected; after each reconnect the subscriptions are sent again.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Venue } from "../lib/market/types.ts";
import { jsonLogger } from "../lib/log.ts";
import { type RunningFeed, startFeed } from "../lib/feed/run.ts";
import { waitFor } from "../lib/async/poll.ts";
import { EPOCH, feedConfig, HOUR, MINUTE, startSim } from "./feed_support.ts";
import { compare, storedBars, truthBars } from "./feed_truth.ts";

const VENUES: Venue[] = ["binance", "bybit"];
const SYMBOLS = ["BTC-USDT", "ETH-USDT"];

/** `name{labels} value` lines -> value by `name{labels}`. */
function parseMetrics(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const i = line.lastIndexOf(" ");
    m.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return m;
}

/** Sum of a metric over the series whose labels include every `k="v"` given. */
function sum(m: Map<string, number>, name: string, labels: Record<string, string>): number {
  let n = 0;
  for (const [k, v] of m) {
    if (!k.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([l, x]) => k.includes(`${l}="${x}"`))) n += v;
  }
  return n;
}

function chaosCounts(path: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of Deno.readTextFileSync(path).split("\n")) {
    if (!line) continue;
    const e = JSON.parse(line);
    for (const k of [`${e.kind}|${e.venue}`, `${e.kind}|${e.venue}|${e.symbol}`]) {
      out.set(k, (out.get(k) ?? 0) + 1);
    }
  }
  return out;
}

Deno.test("feed under chaos: anomalies counted exactly, stored bars still equal the truth", async () => {
  const dir = await Deno.makeTempDir({ prefix: "feed_chaos_" });
  const chaosFile = join(dir, "chaos.json");
  const setChaos = (c: unknown) => Deno.writeTextFileSync(chaosFile, JSON.stringify(c));
  setChaos({ malformedRate: 0.01, badValueRate: 0.01, duplicateRate: 0.01, dropEveryS: 1.2 });
  const sim = startSim(dir, {
    venues: VENUES,
    symbols: SYMBOLS,
    speed: 600,
    startSimMs: EPOCH + HOUR - 2 * MINUTE,
    tradeRate: 2,
    chaosFile,
  });
  // Applied at once, not on the next reload (a tenth of a wall second is a simulated minute here):
  // cleared later than the reconnect's suspect range, a stall would leave flat bars nobody checks.
  const applyChaos = (c: unknown) => {
    setChaos(c);
    sim.sim.reloadChaos();
  };
  const config = feedConfig(sim.port, {
    VENUES_ENABLED: VENUES.join(","),
    STORE_PATH: join(dir, "feed.duckdb"),
    BAR_CLOSE_GRACE_MS: "30000",
    // Wall ms: long enough that a busy machine does not look like a stalled link.
    STALE_TIMEOUT_MS: "1500",
    BACKOFF_BASE_MS: "20",
    BACKOFF_MAX_MS: "100",
  });
  const ctrl = new AbortController();
  let feed: RunningFeed | null = null;
  const logs: string[] = [];
  try {
    const f = (await startFeed({
      config,
      hostname: "127.0.0.1",
      port: 0,
      log: jsonLogger("feed", { write: (l) => logs.push(l) }),
      signal: ctrl.signal,
    }))!;
    feed = f;
    const metrics = async () =>
      parseMetrics(await (await fetch(`http://127.0.0.1:${f.port}/metrics`)).text());
    const binance = f.service.connections.find((c) => c.venue === "binance")!;

    // Phase 1: frame chaos and periodic drops until each venue has been dropped at least twice.
    await waitFor("two drops per venue", () => {
      const c = chaosCounts(sim.chaosPath);
      return VENUES.every((v) => (c.get(`drop|${v}`) ?? 0) >= 2);
    }, { timeoutMs: 20_000 });
    // Phase 2: a silent stall of binance: detected as stale, reconnected (and stalled again).
    applyChaos({ stall: [{ venue: "binance" }] });
    await waitFor("a stale binance link", () => (f.service.stalls.binance ?? 0) >= 2, { timeoutMs: 20_000 });
    // Phase 3: clean; binance resubscribes on its next connection and trades flow again.
    const tradesBefore = f.service.ingest.total("trades", "binance");
    applyChaos({});
    // Trades only reach a connection that subscribed: flowing again on the latest of several
    // connections means the lifecycle sent the subscriptions again after each reconnect.
    await waitFor(
      "binance trades after the stall",
      () => f.service.ingest.total("trades", "binance") > tradesBefore + 50,
      { timeoutMs: 20_000 },
    );
    assert.ok(binance.stats.connects >= 3, `binance connected ${binance.stats.connects} times`);
    assert.equal(binance.up, true);
    // Let every gap be backfilled, including the hour the chaos ran in.
    await waitFor(
      "gaps backfilled, the chaos hour and 60 1m bars stored for every stream",
      () => {
        const by = [...f.service.committer.storedBy];
        const at = (iv: string, n: number) =>
          by.filter(([k, m]) => k.endsWith(`|${iv}`) && m >= n).length === VENUES.length * SYMBOLS.length;
        return f.service.pipeline.pendingGaps().length === 0 && at("1h", 2) && at("1m", 60);
      },
      { timeoutMs: 30_000 },
    );

    // Chaos is off: nothing more is injected. Read the feed's numbers once it has stopped.
    await f.stop();
    feed = null;
    const chaos = chaosCounts(sim.chaosPath);
    const m = parseMetrics(await f.service.metrics.registry.metrics());
    assert.equal(await metrics().catch(() => null), null, "the server is down after stop()");
    for (const v of VENUES) {
      const n = (kind: string, sym?: string) => chaos.get(sym ? `${kind}|${v}|${sym}` : `${kind}|${v}`) ?? 0;
      assert.ok(n("malformed") > 0 && n("bad_value") > 0 && n("duplicate") > 0, `${v}: chaos injected`);
      assert.equal(
        sum(m, "feed_frames_dropped_total", { venue: v, reason: "malformed_json" }),
        n("malformed"),
        `${v} malformed`,
      );
      for (const s of SYMBOLS) {
        assert.equal(
          sum(m, "feed_nan_records_total", { venue: v, symbol: s }),
          n("bad_value", s),
          `${v} ${s} NaN`,
        );
        assert.equal(
          sum(m, "feed_duplicates_total", { venue: v, symbol: s }),
          n("duplicate", s),
          `${v} ${s} dup`,
        );
      }
      const stalls = sum(m, "feed_stalls_total", { venue: v });
      // A drop or a stale link each end a session, but under load the simulator can drop a link the
      // feed is already closing as stale (two events, one session): drops <= reconnects <= drops + stalls.
      const reconnects = sum(m, "feed_reconnects_total", { venue: v });
      assert.ok(
        reconnects >= n("drop") && reconnects <= n("drop") + stalls,
        `${v}: ${reconnects} reconnects, ${n("drop")} drops, ${stalls} stalls`,
      );
      // Conservation: frames in = handled + dropped, by kind.
      const conn = f.service.connections.find((c) => c.venue === v)!;
      assert.equal(sum(m, "feed_frames_total", { venue: v }), conn.stats.framesIn);
      assert.equal(conn.stats.framesIn, conn.stats.handled + conn.stats.dropped);
      assert.equal(sum(m, "feed_frames_dropped_total", { venue: v }), conn.stats.dropped);
      assert.ok(sum(m, "feed_backfilled_bars_total", { venue: v }) > 0, `${v} backfilled`);
      // Lost trades (malformed, NaN) were put right from REST before or after storing.
      assert.ok(sum(m, "feed_repaired_bars_total", { venue: v }) > 0, `${v} repaired`);
    }
    assert.ok(sum(m, "feed_stalls_total", { venue: "binance" }) >= 2);
    assert.equal(sum(m, "feed_stalls_total", { venue: "bybit" }), 0);

    const bars = await storedBars(join(dir, "feed.duckdb"));
    assert.ok(bars.filter((b) => b.interval === "1m").length >= 2 * 2 * 60, `${bars.length} bars`);
    assert.deepEqual(compare(bars, truthBars(sim.truthPath)), []);
    assert.ok(bars.some((b) => b.interval === "1h" && b.openTimeMs === EPOCH + HOUR));
  } finally {
    await feed?.stop();
    ctrl.abort();
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
