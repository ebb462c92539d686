// The feed's wiring with time driven by the test: timers on a ManualTimers source, REST answered by
// the simulator's handler in-process (no port), bars stored in memory. Connections are not started
// (startTimers only), so nothing is dialled.
import assert from "node:assert/strict";
import { ManualTimers } from "../../testing/manual_timers.ts";
import { inProcessSim } from "../../testing/sim_rest.ts";
import type { ClosedBar } from "../market/types.ts";
import { BarStreamHub } from "./bar_stream.ts";
import { resolveFeedConfig } from "./config.ts";
import { parseEnvFile } from "./env_file.ts";
import { FeedService } from "./service.ts";

const ENV_FILE = new URL("../../config/env/live.env", import.meta.url).pathname;
const START = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

function setup() {
  const { sim, fetch, net, advanceMinutes: simMinutes } = inProcessSim({
    venues: ["binance"],
    symbols: ["BTC-USDT"],
    startSimMs: START,
    seed: 5,
  });
  const config = resolveFeedConfig(
    parseEnvFile(Deno.readTextFileSync(ENV_FILE), ENV_FILE),
    {
      VENUES_ENABLED: "binance",
      SYMBOLS: "BTC-USDT",
      INTERVALS: "1m",
      FEED_CLOCK: "wall",
      BINANCE_REST_URL: "http://sim/binance",
    },
    {},
    "test",
  );
  const stored: ClosedBar[] = [];
  const hub = new BarStreamHub();
  const timers = new ManualTimers();
  const lines: string[] = [];
  const service = new FeedService({
    config,
    clock: { kind: "wall", speed: 1, now: () => sim.clock.nowMs() },
    store: { upsertBar: (b) => Promise.resolve(void stored.push(b)) },
    hub,
    log: (level, msg) => lines.push(`${level} ${msg}`),
    fetch,
    timers,
    wallNow: () => 1_000_000 + timers.nowMs,
  });
  return { service, timers, stored, hub, lines, simMinutes, requests: () => net.requests };
}

Deno.test("backfill runs on the scheduler's 200 ms tick: restored gaps are fetched, stored and published", async () => {
  const { service, timers, stored, hub, simMinutes, requests } = setup();
  simMinutes(5);
  service.pipeline.restoreGaps(
    "binance",
    "BTC-USDT",
    "1m",
    [START, START + MINUTE, START + 2 * MINUTE],
    START,
  );
  service.startTimers();
  assert.equal(
    timers.size,
    6,
    "advance, backfill, unconfirmed retry, symbol check, suspect prune, heartbeat",
  );
  timers.advance(199);
  assert.equal(requests(), 0, "nothing before the first backfill tick");
  timers.advance(1);
  await service.backfill.tick(); // joins the pass the tick started
  await service.committer.drain();
  assert.equal(requests(), 1);
  assert.deepEqual(stored.map((b) => [(b.openTimeMs - START) / MINUTE, b.origin]), [
    [0, "backfill"],
    [1, "backfill"],
    [2, "backfill"],
  ]);
  assert.equal(hub.published, 3);
  assert.equal(service.state().barsStored.get("binance|BTC-USDT|1m"), 3);
  await service.stop();
  assert.equal(timers.size, 0, "stop() clears every timer, the REST cutoff included");
});

Deno.test("the SSE heartbeat goes out every 5 s of driven time with the feed's health", async () => {
  const { service, timers, hub } = setup();
  service.startTimers();
  const res = hub.handle(new Request("http://feed/stream/bars"), () => service.feedHealth());
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  assert.match((await reader.read()).value!, /^retry: 1000\nevent: heartbeat\n/);
  timers.advance(4_999);
  timers.advance(1);
  const beat = (await reader.read()).value!;
  assert.equal(beat, `event: heartbeat\ndata: ${JSON.stringify(service.feedHealth())}\n\n`);
  await reader.cancel();
  await service.stop();
});
