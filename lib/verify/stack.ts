// The local stack that `task verify` brings up: which components (from the component table), how
// each is started and probed, and in which order.
import { join, resolve } from "node:path";
import { EXPORTER_V8_FLAGS } from "../exporter/config.ts";
import { type ComponentInfo, COMPONENTS } from "../config/components.ts";
import { bindHost } from "../config/ports.ts";
import { type Child, portTaken, probe, spawnChild } from "../proc/child.ts";
import { describeHolder, portHolder } from "../proc/port_holder.ts";
import { pollUntil } from "../async/poll.ts";
import { writeFileAtomic } from "../fs/atomic.ts";

export interface StackContext {
  /** Heavy, throwaway data (stores, ground truth). */
  workDir: string;
  /** Child logs (inside the evidence folder). */
  logDir: string;
  /** The same folder as it will be named once the evidence is sealed (what messages show). */
  logDirShown?: string;
  /** The AI events file the exporter tails and the strategy writes. */
  eventsFile: string;
  /** Run id the started components report under. */
  runId: string;
}

export interface ComponentSpec {
  /** Short name (the component table's): shown in lines, names the log file. */
  name: string;
  port: number;
  /** Path answering 2xx when healthy. */
  probePath: string;
  /** Script `deno run` starts. */
  entry: string;
  /** Runs before the start (e.g. files the component reads that an earlier one wrote). */
  prepare?(ctx: StackContext): Promise<void>;
  /** Extra `deno run` flags (e.g. the exporter's V8 heap limits). */
  denoFlags?: string[];
  args(ctx: StackContext): string[];
  env?(ctx: StackContext): Record<string, string>;
  startTimeoutMs: number;
}

type HowToRun =
  & Pick<ComponentSpec, "denoFlags" | "args" | "env" | "startTimeoutMs" | "prepare">
  & { probePath?: string };

/** Name, port, health path and entry point from the component table; how to run it from here. */
const spec = (c: ComponentInfo, how: HowToRun): ComponentSpec => ({
  name: c.service,
  port: c.port,
  probePath: c.healthPath,
  entry: c.entry,
  ...how,
});

/** The simulator's generated key pair ({"apiKey","apiSecret"}, written by it at start). */
const simKeys = (c: StackContext) => join(c.workDir, "sim_keys.json");
/** The same pair as the loop reads it: one file each (BINANCE_API_KEY_FILE / _SECRET_FILE). */
const loopKey = (c: StackContext) => join(c.workDir, "live_api_key");
const loopSecret = (c: StackContext) => join(c.workDir, "live_api_secret");

/** Splits the simulator's keys file into the loop's two secret files (0600; never logged). */
async function splitSimKeys(c: StackContext): Promise<void> {
  const k = JSON.parse(await Deno.readTextFile(simKeys(c))) as { apiKey: string; apiSecret: string };
  await writeFileAtomic(loopKey(c), k.apiKey, { mode: 0o600 });
  await writeFileAtomic(loopSecret(c), k.apiSecret, { mode: 0o600 });
}

export const STACK: readonly ComponentSpec[] = [
  spec(COMPONENTS.venue_sim, {
    args: (c) => [
      ...["--speed", "60", "--seed", "7", "--quiet"],
      ...["--ground-truth", join(c.workDir, "sim_ground_truth.jsonl")],
      // The private API the live loop trades on (paper), with a key pair generated for this run.
      ...["--trading", "--keys-file", simKeys(c)],
    ],
    startTimeoutMs: 20_000,
  }),
  spec(COMPONENTS.live_connector, {
    args: () => ["--quiet"],
    env: (c) => ({
      STORE_PATH: join(c.workDir, "feed.duckdb"),
      PARQUET_DIR: join(c.workDir, "parquet"),
    }),
    startTimeoutMs: 30_000,
  }),
  spec(COMPONENTS.shadow_mvs, {
    args: () => ["--config", "config/strategy/refstrat_01.demo.json"],
    env: (c) => ({ PEAK_TRADE_AI_EVENTS_JSONL: c.eventsFile, PEAK_TRADE_AI_RUN_ID: c.runId }),
    startTimeoutMs: 30_000,
  }),
  // The live loop in paper mode (config/live/paper.json: RefStrat_01) on the simulator's private API,
  // warm start (it reconciles with the venue first). Started once its shell answers; whether it is
  // ready (feed, venue, reconciliation, kill switch) is a stack gate, so a degraded feed fails a gate
  // that says why instead of the start.
  spec(COMPONENTS.live_loop, {
    probePath: "/metrics",
    prepare: splitSimKeys,
    args: () => ["--start", "warm", "--config", "config/live/paper.json"],
    env: (c) => ({
      LIVE_STATE_DIR: join(c.workDir, "live_state"),
      BINANCE_API_KEY_FILE: loopKey(c),
      BINANCE_API_SECRET_FILE: loopSecret(c),
      PEAK_TRADE_AI_EVENTS_JSONL: c.eventsFile,
      PEAK_TRADE_AI_RUN_ID: c.runId,
    }),
    startTimeoutMs: 30_000,
  }),
  spec(COMPONENTS.ai_live, {
    denoFlags: [`--v8-flags=${EXPORTER_V8_FLAGS}`],
    args: (c) => ["--events", c.eventsFile],
    env: (c) => ({ PEAK_TRADE_AI_RUN_ID: c.runId, PEAK_TRADE_AI_COMPONENT: "ai_live_exporter" }),
    startTimeoutMs: 20_000,
  }),
  // Host metrics and the textfile collector over the operator's TICKPROOF_TEXTFILE_DIR (default
  // data/textfile/), so the last drift and backtest results are in Prometheus too.
  spec(COMPONENTS.node, {
    args: (c) => ["--log", join(c.workDir, "node_exporter.log")],
    startTimeoutMs: 20_000,
  }),
  spec(COMPONENTS.alertmanager, {
    args: (c) => ["--work-dir", join(c.workDir, "alertmanager")],
    startTimeoutMs: 20_000,
  }),
  spec(COMPONENTS.peak_trade_web, { args: () => [], startTimeoutMs: 20_000 }),
];

export type ComponentState = "already_running" | "started" | "failed";

export interface ComponentStatus {
  name: string;
  port: number;
  state: ComponentState;
  detail: string;
}

export interface StartedStack {
  statuses: ComponentStatus[];
  children: Child[];
}

/**
 * Brings up each component not already answering on its port. Never fights for a port: a port held
 * by something that does not answer the probe is a failure that names the port.
 */
export async function startStack(
  ctx: StackContext,
  say: (line: string) => void,
  specs: readonly ComponentSpec[] = STACK,
): Promise<StartedStack> {
  const host = bindHost();
  const statuses: ComponentStatus[] = [];
  const children: Child[] = [];
  for (const spec of specs) {
    const url = `http://${host}:${spec.port}${spec.probePath}`;
    if (await probe(url)) {
      // Named, so a port answered by some other program is visible in the note, not assumed ours.
      const holder = describeHolder(await portHolder(spec.port));
      statuses.push({
        name: spec.name,
        port: spec.port,
        state: "already_running",
        detail: `answering ${url}; held by ${holder}`,
      });
      say(`${spec.name}: already running on :${spec.port} (${holder}), using it`);
      continue;
    }
    if (await portTaken(host, spec.port)) {
      // Taken after the preflight looked: still a failure that names the port and its holder.
      const holder = describeHolder(await portHolder(spec.port));
      const detail = `port ${spec.port} is held by ${holder}, which does not answer ${spec.probePath}`;
      statuses.push({ name: spec.name, port: spec.port, state: "failed", detail });
      say(`${spec.name}: FAIL: ${detail}; not starting it`);
      continue;
    }
    try {
      await spec.prepare?.(ctx);
    } catch (err) {
      const detail = `could not prepare its start: ${err instanceof Error ? err.message : String(err)}`;
      statuses.push({ name: spec.name, port: spec.port, state: "failed", detail });
      say(`${spec.name}: FAIL: ${detail}; not starting it`);
      continue;
    }
    const logFile = resolve(join(ctx.logDir, `${spec.name}.log`));
    const logShown = join(ctx.logDirShown ?? ctx.logDir, `${spec.name}.log`);
    const child = await spawnChild({
      name: spec.name,
      cmd: Deno.execPath(),
      args: ["run", "-A", ...(spec.denoFlags ?? []), spec.entry, ...spec.args(ctx)],
      env: spec.env?.(ctx),
      logFile,
    });
    let exitedEarly: Deno.CommandStatus | null = null;
    void child.exited.then((s) => exitedEarly = s);
    say(`${spec.name}: not running; started it (pid ${child.pid}, log ${logShown})`);
    const up = await pollUntil(
      async () => exitedEarly ? false : (await probe(url)) || undefined,
      spec.startTimeoutMs,
      200,
    );
    if (up) {
      children.push(child);
      statuses.push({ name: spec.name, port: spec.port, state: "started", detail: `pid ${child.pid}` });
    } else {
      await child.stop(3000);
      const why = exitedEarly
        ? `exited with code ${(exitedEarly as Deno.CommandStatus).code}`
        : "never became healthy";
      statuses.push({ name: spec.name, port: spec.port, state: "failed", detail: `${why}; see ${logShown}` });
      say(`${spec.name}: failed to start (${why}); see ${logShown}`);
    }
  }
  return { statuses, children };
}

export async function stopAll(children: Child[], say: (line: string) => void): Promise<void> {
  for (const c of [...children].reverse()) {
    const s = await c.stop();
    say(`${c.name}: stopped (exit ${s.code}${s.signal ? `, ${s.signal}` : ""})`);
  }
}
