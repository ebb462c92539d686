// Features come from the bar that is stored: the real simulator holds some trade frames back long
// past their bar's close + grace (chaos lateRate), so the feed learns of a lost trade only after the
// bar was published. Bybit trade ids are not contiguous: nothing tells the feed before the late trade
// arrives, so the bar goes out as built, then the late trade -> REST recheck -> restatement. Binance
// ids are: the jump marks the bar suspect and it is repaired before publication. A real feed
// (startFeed) and a real DuckDB; a real SSE consumer (the shadow's FeedStream) on /stream/bars from
// before the first bar. Afterwards every stored bar's features equal a fresh feature run over the
// stored bars, bit for bit, and equal what the stream delivered last for its key.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { ClosedBar, Venue } from "../lib/market/types.ts";
import { streamKey } from "../lib/features/feature_stage.ts";
import { barEventId } from "../lib/feed/bar_stream.ts";
import type { RunningFeed } from "../lib/feed/run.ts";
import { parseClosedBar } from "../lib/shadow/feed_schema.ts";
import { FeedStream } from "../lib/shadow/feed_stream.ts";
import { ShadowRunner } from "../lib/shadow/shadow_runner.ts";
import { EPOCH, feedConfig, HOUR, MINUTE, startQuietFeed, startSim } from "./feed_support.ts";
import { waitFor } from "../lib/async/poll.ts";
import { staleFeatures, storedBars } from "./feed_truth.ts";

const VENUES: Venue[] = ["binance", "bybit"];
const SYMBOLS = ["BTC-USDT", "ETH-USDT"];

Deno.test("feed with REST repairs: stored features = fresh run over stored bars = last streamed per key", async () => {
  const dir = await Deno.makeTempDir({ prefix: "feed_features_" });
  const chaosFile = join(dir, "chaos.json");
  const setChaos = (c: unknown) => Deno.writeTextFileSync(chaosFile, JSON.stringify(c));
  // Held 3 wall s = 30 simulated minutes at 600x, long after the bar closed and was committed (grace
  // 2 simulated minutes = 200 wall ms, so a loaded machine's pauses make no trade late by themselves:
  // a bar checked before publication would take the held trade from REST and need no restatement).
  // No drops, and a stale timeout no pause reaches: a held frame lost with its connection would be a
  // loss no one could notice, and each reconnect marks bars for a check before publication.
  setChaos({ lateRate: 0.005, lateMs: 3000 });
  const sim = startSim(dir, {
    venues: VENUES,
    symbols: SYMBOLS,
    speed: 600,
    startSimMs: EPOCH + HOUR - 2 * MINUTE,
    tradeRate: 2,
    chaosFile,
  });
  const store = join(dir, "feed.duckdb");
  const config = feedConfig(sim.port, {
    VENUES_ENABLED: VENUES.join(","),
    STORE_PATH: store,
    BAR_CLOSE_GRACE_MS: "120000",
    STALE_TIMEOUT_MS: "10000",
    BACKOFF_BASE_MS: "20",
    BACKOFF_MAX_MS: "100",
  });
  const ctrl = new AbortController();
  const streamCtrl = new AbortController();
  let feed: RunningFeed | null = null;
  let consuming: Promise<void> | null = null;
  try {
    const f = await startQuietFeed(config, ctrl.signal);
    feed = f;
    const c = f.service.committer;
    // The consumer: last bar delivered per key, and how many deliveries in all.
    const last = new Map<string, ClosedBar>();
    let delivered = 0;
    let publishedBeforeOpen = -1;
    // The shadow's runner on one series (one whose bars get restated), fed every bar event of it
    // (heartbeats left out: here only the bar bookkeeping is under test).
    const series = { venue: "bybit", symbol: "BTC-USDT", interval: "1m" } as const;
    const shadow = new ShadowRunner(
      {
        id: { run_id: "t", component: "shadow_mvs", source: "refstrat_01" },
        series,
        params: { stopAtrK: 2, feeBps: 1, size: 1 },
        heartbeatEveryMs: 1e12,
        staleAfterMs: 1e12,
      },
      { write: () => {} },
      () => 0,
      () => {},
      null,
    );
    shadow.streamOpened();
    let seriesEvents = 0;
    const seriesKeys = new Set<string>();
    const stream = new FeedStream({
      url: `http://127.0.0.1:${f.port}/stream/bars`,
      backoffBaseMs: 20,
      backoffMaxMs: 100,
    }, {
      onOpen: () => {
        if (publishedBeforeOpen < 0) publishedBeforeOpen = c.stored + c.restated;
      },
      onEvent: (ev) => {
        if (ev.event !== "bar") return;
        const bar = JSON.parse(ev.data) as ClosedBar;
        assert.equal(ev.id, barEventId(bar), "the event id is the bar's key");
        last.set(ev.id, bar);
        delivered++;
        if (streamKey(bar) !== streamKey(series)) return;
        seriesEvents++;
        seriesKeys.add(ev.id);
        const r = parseClosedBar(bar);
        assert.ok(r.ok, "a valid bar");
        shadow.liveBar(r.value);
      },
      onClose: () => {},
    });
    consuming = stream.run(streamCtrl.signal);
    await waitFor("the bar stream open", () => publishedBeforeOpen >= 0, { timeoutMs: 20_000 });
    assert.equal(publishedBeforeOpen, 0, "subscribed before the first bar was published");

    // Trades that arrive after their bar closed: the bar is corrected from REST after publication.
    const progress = () =>
      `restated ${c.restated}, checked ${c.checked}, repaired ${JSON.stringify([...c.repairedBy])}, ` +
      `late trades ${sim.sim.chaosLog.counts.late ?? 0}, stored ${JSON.stringify([...c.storedBy])}`;
    const minutes = (n: number) => {
      const oneMinute = [...c.storedBy].filter(([k]) => k.endsWith("|1m"));
      return oneMinute.length === 4 && oneMinute.every(([, x]) => x >= n);
    };
    await waitFor(
      "bars restated after publication (the shadow's too), 20 minutes stored per 1m stream",
      () => {
        return c.restated >= 3 && seriesEvents > seriesKeys.size && minutes(20);
      },
      { timeoutMs: 180_000 },
    ).catch((err) => {
      throw new Error(`${err.message}: ${progress()}`);
    });
    await f.stop(); // drains the commit queue; the stream ends after the frames already queued
    feed = null;
    await waitFor("every publication delivered", () => delivered === c.stored + c.restated, {
      timeoutMs: 60_000,
    });
    // Nothing more is published once stopped: the numbers are final.
    assert.equal(delivered, c.stored + c.restated, "every publication was delivered");
    assert.ok(c.restated >= 3, `restated ${c.restated}`);
    // Binance: repaired before publication (id jump); Bybit: after it (the late trade itself).
    for (const v of VENUES) {
      assert.ok([...c.repairedBy.keys()].some((k) => k.startsWith(`${v}|`)), `${v} repaired`);
    }
    console.log(JSON.stringify({
      stored: c.stored,
      repaired: Object.fromEntries(c.repairedBy),
      restated: c.restated,
      delivered,
      late: sim.sim.chaosLog.counts.late,
    }));

    const bars = await storedBars(store);
    assert.equal(bars.length, c.stored);
    assert.ok(bars.some((b) => b.origin === "backfill"));
    assert.deepEqual(
      staleFeatures(bars).slice(0, 3),
      [],
      "stored features = a fresh run over the stored bars",
    );
    const streamed: string[] = [];
    for (const b of bars) {
      const s = last.get(barEventId(b));
      if (s === undefined || JSON.stringify(s) !== JSON.stringify(b)) {
        streamed.push(`${barEventId(b)} stored ${JSON.stringify(b)} streamed ${JSON.stringify(s)}`);
      }
    }
    assert.deepEqual(
      streamed.slice(0, 3),
      [],
      "what the stream delivered last for each key is the stored bar",
    );
    assert.equal(last.size, bars.length, "no key streamed that is not stored");
    // The shadow decided each bar of its series once; every re-publication was a correction.
    const st = shadow.status();
    const seriesBars = bars.filter((b) => streamKey(b) === streamKey(series)).length;
    assert.equal(Object.values(st.decisions).reduce((a, b) => a + b, 0), seriesBars, "one decision per bar");
    assert.deepEqual(st.barsSkipped, {
      duplicate: 0,
      invalid: 0,
      feed_not_ok: 0,
      corrected: seriesEvents - seriesBars,
    });
  } finally {
    streamCtrl.abort();
    await feed?.stop();
    await consuming;
    ctrl.abort();
    await sim.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
