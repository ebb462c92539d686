// The feed publishing to a real nats-server (lib/bus startNats, free ports) while it runs against the
// real venue simulator (in-process, stepped time, real WebSockets and REST, real DuckDB): every bar it
// stores is on the bus exactly once under its message id, every trade it accepts too; with the server
// stopped mid-run the feed keeps storing bars while the outbox grows (and /metrics shows it), and once
// the server is back the outbox drains: the sets of message ids match, none missing, none twice.
import assert from "node:assert/strict";
import { join } from "node:path";
import { waitFor, withDeadline } from "../lib/async/poll.ts";
import { JetStreamBus } from "../lib/bus/jetstream_bus.ts";
import { connectNats } from "../lib/bus/nats_client.ts";
import { startNats } from "../lib/bus/nats_cluster.ts";
import { barMsgId } from "../lib/bus/subjects.ts";
import type { FeedService } from "../lib/feed/service.ts";
import { type RunningFeed, startFeed } from "../lib/feed/run.ts";
import { jsonLogger } from "../lib/log.ts";
import type { ClosedBar, Venue } from "../lib/market/types.ts";
import {
  EPOCH,
  feedConfig,
  HOUR,
  MINUTE,
  type RunningSim,
  startSim,
  steppedClock,
  subscribed,
} from "./feed_support.ts";
import { metricSum } from "./feed_proc.ts";
import { storedBars } from "./feed_truth.ts";

const VENUES: Venue[] = ["binance", "okx"];
const SYMBOLS = ["BTC-USDT"];
const START = EPOCH + HOUR + 10 * MINUTE;
const SPEED = 600;
const GRACE = 30_000;
const STEP = 15_000;

function caughtUp(sim: RunningSim, service: FeedService): boolean {
  return VENUES.every((v) =>
    SYMBOLS.every((sym) => {
      const last = sim.sim.recentTrades(v, sym).at(-1);
      return last === undefined ||
        (service.ingest.streams.get(v)?.get(sym)?.lastTradeMs ?? -Infinity) >= last.timeMs;
    })
  );
}

/** Moves simulated time to `target` a step at a time, each step's trades taken in by the feed. */
async function stepTo(sim: RunningSim, target: number, service?: FeedService): Promise<void> {
  while (sim.sim.clock.nowMs() < target) {
    sim.wall!.advance(Math.min(STEP, target - sim.sim.clock.nowMs()) / SPEED);
    sim.sim.tick();
    if (service) await waitFor("the feed to take in every trade so far", () => caughtUp(sim, service));
  }
}

const stored = (s: FeedService) => [...s.committer.storedBy.values()].reduce((a, b) => a + b, 0);

Deno.test("feed -> JetStream: bars and trades once each, through a nats-server outage", async () => {
  const dir = await Deno.makeTempDir({ prefix: "feed_bus_" });
  const nats = await startNats({ workDir: join(dir, "nats") });
  const sim = startSim(dir, {
    venues: VENUES,
    symbols: SYMBOLS,
    speed: SPEED,
    startSimMs: START,
    stepped: true,
  });
  const store = join(dir, "feed.duckdb");
  const config = feedConfig(sim.port, {
    VENUES_ENABLED: VENUES.join(","),
    SYMBOLS: SYMBOLS.join(","),
    INTERVALS: "1m",
    STORE_PATH: store,
    BAR_CLOSE_GRACE_MS: String(GRACE),
    STALE_TIMEOUT_MS: "600000",
    BUS_URL: nats.urls.join(","),
    BUS_ACK_TIMEOUT_MS: "500",
  });
  assert.equal(config.bus.url, nats.urls[0]);
  const log = jsonLogger("feed", { quiet: true, write: () => {} });
  let feed: RunningFeed | null = null;
  try {
    await stepTo(sim, START + MINUTE / 2);
    const f = feed = (await startFeed({
      config,
      clock: steppedClock(sim),
      hostname: "127.0.0.1",
      port: 0,
      log,
      signal: new AbortController().signal,
    }))!;
    const svc = f.service, pub = f.bus!;
    const metrics = async () => await (await fetch(`http://127.0.0.1:${f.port}/metrics`)).text();
    await waitFor(
      "every venue subscribed",
      () => svc.connections.every((c) => c.up) && subscribed(sim, VENUES, SYMBOLS),
    );
    await stepTo(sim, START + 5 * MINUTE + GRACE, svc);
    await waitFor(
      "5 bars a stream stored and every publish acknowledged",
      () =>
        stored(svc) >= 2 * 5 && pub.stats().outbox.depth === 0 && pub.stats().published.bar === stored(svc),
    );

    // The server goes away: the feed keeps storing, the outbox grows, /metrics shows it.
    await nats.stopNode(0);
    const before = stored(svc);
    await stepTo(sim, START + 10 * MINUTE + GRACE, svc);
    await waitFor("bars stored while the bus is down", () => stored(svc) >= before + 2 * 5);
    const down = await metrics();
    assert.ok(metricSum(down, "feed_bus_outbox_depth") > 0, "outbox depth on /metrics");
    assert.equal(metricSum(down, "feed_bus_outbox_capacity"), 10_000);
    assert.equal(metricSum(down, "feed_bus_outbox_full_total"), 0);
    await waitFor(
      "a resend counted",
      async () => metricSum(await metrics(), "feed_bus_publish_retries_total") > 0,
    );

    // Back on the same store and port: the outbox drains.
    await nats.startNode(0);
    await waitFor("the outbox drained", () => pub.stats().outbox.depth === 0, { timeoutMs: 60_000 });
    await f.stop();
    feed = null;
    const s = pub.stats();
    const accepted = svc.ingest.total("trades");
    assert.deepEqual(s.published, { trade: accepted, bar: stored(svc) });
    assert.equal(s.rejected, 0);
    assert.equal(s.outbox.full, 0);
    assert.equal(s.outbox.abandoned, 0);
    assert.equal(svc.committer.restated, 0, "stepped time: no bar corrected, so revision 0 only");

    // What is on the bus, read back in stream order from sequence 1.
    const bus = await JetStreamBus.open(config.bus);
    const bars: { msgId: string; bar: ClosedBar }[] = [];
    try {
      const info = await bus.streamState("bars");
      const ctrl = new AbortController();
      await withDeadline(
        "the bars stream read back",
        (async () => {
          if (info.messages === 0) return;
          for await (const m of bus.subscribeBars({ signal: ctrl.signal })) {
            bars.push({ msgId: m.msgId, bar: m.bar });
            if (m.seq >= info.lastSeq) break;
          }
        })(),
      );
    } finally {
      await bus.close(1000);
    }
    const storedList = await storedBars(store);
    assert.ok(
      storedList.length >= 2 * 10 && accepted >= storedList.length,
      `${storedList.length} bars, ${accepted} trades`,
    );
    const ids = bars.map((b) => b.msgId);
    assert.equal(new Set(ids).size, ids.length, "no bar twice");
    assert.deepEqual(ids.toSorted(), storedList.map((b) => barMsgId(b)).toSorted(), "bus bars = stored bars");
    const byId = new Map(bars.map((b) => [b.msgId, b.bar]));
    for (const b of storedList) {
      const onBus = byId.get(barMsgId(b))!;
      assert.deepEqual([onBus.o, onBus.h, onBus.l, onBus.c, onBus.v, onBus.trades], [
        b.o,
        b.h,
        b.l,
        b.c,
        b.v,
        b.trades,
      ]);
    }

    const session = await connectNats(nats.urls);
    const trades: string[] = [];
    try {
      const info = await session.streamState("MD_TRADES");
      assert.equal(info.messages, accepted);
      const ctrl = new AbortController();
      await withDeadline(
        "the trades stream read back",
        (async () => {
          for await (const m of session.read("MD_TRADES", "md.trades.>", 1, ctrl.signal)) {
            trades.push(m.msgId);
            if (m.seq >= info.lastSeq) break;
          }
        })(),
      );
    } finally {
      await session.close();
    }
    assert.equal(trades.length, accepted);
    assert.equal(new Set(trades).size, accepted, "no trade twice");
    assert.ok(trades.every((id) => /^t:(binance|okx):BTC-USDT:\w+$/.test(id)), trades[0]);
  } finally {
    await feed?.stop();
    await sim.stop();
    await nats.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
