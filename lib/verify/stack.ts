// The local stack that `task verify` brings up: which components exist, how each is started and
// probed, and in which order. A component whose entry file does not exist yet is reported, not faked.
import { join, resolve } from "node:path";
import { EXPORTER_V8_FLAGS } from "../exporter/config.ts";
import { bindHost, PORTS } from "../config/ports.ts";
import { type Child, portTaken, probe, spawnChild } from "../proc/child.ts";
import { describeHolder, portHolder } from "../proc/port_holder.ts";
import { pollUntil } from "../async/poll.ts";

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
  name: string;
  /** Prometheus job it is scraped as, if any. */
  job?: string;
  port: number;
  /** Path answering 2xx when healthy. */
  probePath: string;
  /** Script that must exist for the component to be started. */
  entry: string;
  /** Extra `deno run` flags (e.g. the exporter's V8 heap limits). */
  denoFlags?: string[];
  args(ctx: StackContext): string[];
  env?(ctx: StackContext): Record<string, string>;
  startTimeoutMs: number;
}

export const STACK: readonly ComponentSpec[] = [
  {
    name: "venue-sim",
    port: PORTS.venue_sim,
    probePath: "/sim/health",
    entry: "scripts/venue_sim.ts",
    args: (
      c,
    ) => [
      "--speed",
      "60",
      "--seed",
      "7",
      "--quiet",
      "--ground-truth",
      join(c.workDir, "sim_ground_truth.jsonl"),
    ],
    startTimeoutMs: 20_000,
  },
  {
    name: "feed",
    job: "live_connector",
    port: PORTS.live_connector,
    probePath: "/health",
    entry: "scripts/feed.ts",
    args: () => ["--quiet"],
    env: (c) => ({
      STORE_PATH: join(c.workDir, "feed.duckdb"),
      PARQUET_DIR: join(c.workDir, "parquet"),
    }),
    startTimeoutMs: 30_000,
  },
  {
    name: "shadow",
    job: "shadow_mvs",
    port: PORTS.shadow_mvs,
    probePath: "/health",
    entry: "scripts/shadow.ts",
    args: () => ["--config", "config/strategy/refstrat_01.demo.json"],
    env: (c) => ({ PEAK_TRADE_AI_EVENTS_JSONL: c.eventsFile, PEAK_TRADE_AI_RUN_ID: c.runId }),
    startTimeoutMs: 30_000,
  },
  {
    name: "exporter",
    job: "ai_live",
    port: PORTS.ai_live,
    probePath: "/health",
    entry: "scripts/exporter.ts",
    denoFlags: [`--v8-flags=${EXPORTER_V8_FLAGS}`],
    args: (c) => ["--events", c.eventsFile],
    env: (c) => ({ PEAK_TRADE_AI_RUN_ID: c.runId, PEAK_TRADE_AI_COMPONENT: "ai_live_exporter" }),
    startTimeoutMs: 20_000,
  },
  {
    name: "alertmanager",
    port: PORTS.alertmanager,
    probePath: "/-/ready",
    entry: "scripts/alertmanager.ts",
    args: (c) => ["--work-dir", join(c.workDir, "alertmanager")],
    startTimeoutMs: 20_000,
  },
  {
    name: "web",
    job: "peak_trade_web",
    port: PORTS.peak_trade_web,
    probePath: "/health",
    entry: "scripts/web.ts",
    args: () => [],
    startTimeoutMs: 20_000,
  },
];

export type ComponentState = "already_running" | "started" | "missing" | "failed";

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

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
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
    if (!(await exists(spec.entry))) {
      statuses.push({
        name: spec.name,
        port: spec.port,
        state: "missing",
        detail: `${spec.entry} does not exist yet`,
      });
      say(`${spec.name}: not part of this build yet (${spec.entry} missing); its gate will say so`);
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
