// The feed CLI as a real subprocess for restart tests: started against a simulator, watched over
// its HTTP face, killed with SIGKILL (kill -9) or stopped with SIGTERM.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../lib/http/free_port.ts";
import type { ClosedBar, Interval, Venue } from "../lib/market/types.ts";
import type { Child } from "../lib/proc/child.ts";
import { spawnScript } from "../testing/net.ts";
import { simEnv } from "./feed_support.ts";
import { waitFor } from "../lib/async/poll.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FEED = join(ROOT, "scripts/feed.ts");

export interface FeedProc {
  readonly child: Child;
  readonly base: string;
  readonly logFile: string;
  /** GET /health as JSON. */
  health(): Promise<FeedHealthJson>;
  /** Stored bars of one stream, oldest first (GET /api/bars). */
  bars(venue: Venue, symbol: string, interval: Interval): Promise<ClosedBar[]>;
  metrics(): Promise<string>;
  /** kill -9: nothing is flushed, nothing is closed. */
  kill9(): Promise<void>;
}

export interface FeedHealthJson {
  clock: { nowMs: number };
  gaps: {
    pending: number;
    backfilled: number;
    abandoned: number;
    beyondLookback: Record<string, number>;
    notRecovered: number;
  };
}

/** Starts `./tp feed` on a free port against the simulator on `simPort`; resolves once /health answers. */
export async function startFeedProc(
  dir: string,
  name: string,
  simPort: number,
  env: Record<string, string>,
): Promise<FeedProc> {
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const logFile = join(dir, `${name}.log`);
  const child = await spawnScript(
    name,
    FEED,
    ["--port", String(port), "--quiet"],
    logFile,
    simEnv(simPort, env),
  );
  let exited = false;
  void child.exited.then(() => exited = true);
  const get = async (path: string) => {
    const r = await fetch(base + path);
    if (!r.ok) throw new Error(`GET ${path}: HTTP ${r.status}`);
    return r;
  };
  await waitFor(`${name} answering /health`, async () => {
    if (exited) throw new Error(`${name} exited early; see ${logFile}`);
    try {
      await (await get("/health")).body?.cancel();
      return true;
    } catch {
      return false;
    }
  }, { timeoutMs: 60_000 });
  return {
    child,
    base,
    logFile,
    health: async () => await (await get("/health")).json(),
    bars: async (v, s, iv) =>
      await (await get(`/api/bars?venue=${v}&symbol=${s}&interval=${iv}&limit=5000`)).json(),
    metrics: async () => await (await get("/metrics")).text(),
    kill9: async () => {
      Deno.kill(child.pid, "SIGKILL");
      const st = await child.exited;
      if (st.signal !== "SIGKILL") {
        throw new Error(`${name} was not killed by SIGKILL: ${JSON.stringify(st)}`);
      }
    },
  };
}

/** Sum of a metric's samples whose labels include every pair in `labels`. */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  let n = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) {
      n += Number(line.split(" ").at(-1));
    }
  }
  return n;
}

/** Open times missing between each stream's first and last stored bar: "venue|symbol|interval" -> count. */
export function missingBetween(
  bars: readonly ClosedBar[],
  intervalMs: (iv: Interval) => number,
): Map<string, number> {
  const opens = new Map<string, number[]>();
  for (const b of bars) {
    const k = `${b.venue}|${b.symbol}|${b.interval}`;
    (opens.get(k) ?? opens.set(k, []).get(k)!).push(b.openTimeMs);
  }
  const out = new Map<string, number>();
  for (const [k, list] of opens) {
    list.sort((a, b) => a - b);
    const len = intervalMs(k.split("|")[2] as Interval);
    out.set(k, (list.at(-1)! - list[0]) / len + 1 - list.length);
  }
  return out;
}
