// Shared setup for the feed's end-to-end tests: the real venue simulator in-process on port 0 (real
// timers, real WebSockets) and a feed config pointing every URL at it.
import { join } from "node:path";
import type { Venue } from "../lib/market/types.ts";
import type { FeedClock } from "../lib/feed/clock.ts";
import { type FeedConfig, resolveFeedConfig } from "../lib/feed/config.ts";
import { type RunningFeed, startFeed } from "../lib/feed/run.ts";
import { jsonLogger } from "../lib/log.ts";
import { parseEnvFile } from "../lib/feed/env_file.ts";
import type { ChaosConfig } from "../lib/sim/chaos.ts";
import { ManualWall } from "../lib/sim/clock.ts";
import { JsonlWriter } from "../lib/sim/jsonl_writer.ts";
import { SimServer } from "../lib/sim/sim_server.ts";
import { simEnv } from "../testing/sim_env.ts";

export { simEnv };
import { VenueSim } from "../lib/sim/venue_sim.ts";

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
/** 2026-01-01T00:00:00Z. */
export const EPOCH = 1_767_225_600_000;
const ENV_FILE = new URL("../config/env/live.env", import.meta.url).pathname;

export interface RunningSim {
  readonly sim: VenueSim;
  readonly server: SimServer;
  readonly port: number;
  readonly truthPath: string;
  readonly chaosPath: string;
  /** Set when started with `stepped`: the test moves simulated time (see step()). */
  readonly wall: ManualWall | null;
  stop(): Promise<void>;
}

export function startSim(dir: string, opts: {
  venues: Venue[];
  symbols: string[];
  speed: number;
  startSimMs: number;
  tradeRate?: number;
  seed?: number;
  chaos?: ChaosConfig;
  chaosFile?: string;
  /** The simulator's wall clock (default Date.now): a test moves simulated time by shifting it. */
  wallNow?: () => number;
  /** The test drives time: a hand-moved wall clock and no tick timer (step() moves and ticks). */
  stepped?: boolean;
  /** Default 0 (any free port); a restarted simulator takes its predecessor's. */
  port?: number;
}): RunningSim {
  const wall = opts.stepped ? new ManualWall(1_000_000) : null;
  const truthPath = join(dir, "truth.jsonl");
  const chaosPath = join(dir, "chaos.jsonl");
  const groundTruth = JsonlWriter.open(truthPath);
  const chaosLog = JsonlWriter.open(chaosPath);
  const sim = new VenueSim({
    seed: opts.seed ?? 11,
    startSimMs: opts.startSimMs,
    speed: opts.speed,
    symbols: opts.symbols,
    venues: opts.venues,
    tradeRate: opts.tradeRate ?? 1,
    chaos: opts.chaos,
    chaosFile: opts.chaosFile,
    groundTruth,
    chaosLog,
    wallNow: wall?.now ?? opts.wallNow,
  });
  const server = new SimServer(sim, {
    hostname: "127.0.0.1",
    port: opts.port ?? 0,
    log: () => {},
    tickMs: wall ? 0 : 20,
    chaosReloadMs: 100,
  });
  server.start();
  return {
    sim,
    server,
    port: server.port,
    truthPath,
    chaosPath,
    wall,
    stop: async () => {
      await server.stop();
      groundTruth.close();
      chaosLog.close();
    },
  };
}

/** Every *_URL and SIM_CLOCK_URL of live.env pointed at a simulator on `port`, plus overrides. */

export function feedConfig(port: number, over: Record<string, string>): FeedConfig {
  const file = parseEnvFile(Deno.readTextFileSync(ENV_FILE), ENV_FILE);
  return resolveFeedConfig(file, simEnv(port, over), {}, ENV_FILE);
}

/** A whole feed in-process on a free port, logging nowhere (the clock from SIM_CLOCK_URL). */
export async function startQuietFeed(config: FeedConfig, signal: AbortSignal): Promise<RunningFeed> {
  const log = jsonLogger("feed", { quiet: true, write: () => {} });
  const f = await startFeed({ config, hostname: "127.0.0.1", port: 0, log, signal });
  if (f === null) throw new Error("the feed did not start: aborted while waiting for the simulator clock");
  return f;
}

/** The feed's clock read straight from a stepped simulator's clock (in-process, no extrapolation). */
export function steppedClock(sim: RunningSim): FeedClock {
  return { kind: "sim", speed: sim.sim.clock.speed, now: () => sim.sim.clock.nowMs() };
}

/** Every (venue, symbol) has a simulator connection subscribed to its trades. */
export function subscribed(sim: RunningSim, venues: readonly Venue[], symbols: readonly string[]): boolean {
  const conns = [...sim.sim.conns];
  return venues.every((v) =>
    symbols.every((sym) =>
      conns.some((c) => c.venue === v && (c.subs.has(`trade|${sym}`) || c.subs.has(`aggTrade|${sym}`)))
    )
  );
}
