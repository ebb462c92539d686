// The backup drill on a fresh checkout has nothing to back up: it first makes a store and a state dir
// with a short run of the stack's own launcher (stack.ts: the simulator with its private trading API,
// the feed, the live loop in paper mode), on free loopback ports so a running stack is left alone,
// writing to the paths the backup reads (STORE_PATH, PARQUET_DIR, LIVE_STATE_DIR). It waits until the
// feed has stored bars and the loop has logged records, and is stopped after the backup, so the drill's
// backup is taken while they run, through the feed's own export. Only into paths that hold nothing: a
// missing store beside an existing state dir (a lost store, a wrong STORE_PATH) is refused, or the
// seed's simulator run would be appended to the real event log the next warm start boots from.
import { join } from "node:path";
import { waitForValue } from "../async/poll.ts";
import { summarizeLog } from "../backup/state_copy.ts";
import { COMPONENTS } from "../config/components.ts";
import { PORTS } from "../config/ports.ts";
import { parseEnvFile } from "../feed/env_file.ts";
import { DEFAULT_ENV_FILE } from "../feed/load_config.ts";
import { freePort } from "../http/free_port.ts";
import { EnvironmentError } from "../util/errors.ts";
import { type ComponentSpec, STACK, startStack, stopAll } from "./stack.ts";

export interface SeedOptions {
  readonly storePath: string;
  readonly parquetDir: string;
  readonly stateDir: string;
  /** Throwaway files (the simulator's keys and truth, the events file). */
  readonly workDir: string;
  /** The children's logs. */
  readonly logDir: string;
  /** Bars the feed must have stored before the seed counts as made (default 40). */
  readonly minBars?: number;
  readonly timeoutMs?: number;
}

export interface SeedStack {
  readonly bars: number;
  readonly records: number;
  stop(): Promise<void>;
}

/** The store is missing but other data the seed would write into exists: nothing was done (exit 2). */
export class SeedRefusedError extends EnvironmentError {
  override name = "SeedRefusedError";
}

/**
 * The seed is a simulator run: it may only make the store of a feed whose profile is the simulator. A
 * feed configured for the venues (FEED_PROFILE=public) would start later on simulator bars and the loop
 * warm-start from a simulator's paper orders; there the drill waits for the real feed to store data.
 */
export function assertSeedable(feedProfile: string, storePath: string): void {
  if (feedProfile === "sim") return;
  throw new SeedRefusedError(
    `refusing to seed a store for the drill: no store at ${storePath} (STORE_PATH) and the feed's profile is ` +
      `${feedProfile}, not sim: a simulator run would leave simulator bars where the feed will store the ` +
      "venues'; start the feed first, then run the drill once it has stored bars",
  );
}

/** A non-empty file or a directory with an entry; a missing path holds nothing. */
async function holdsData(path: string): Promise<boolean> {
  try {
    const st = await Deno.stat(path);
    if (!st.isDirectory) return st.size > 0;
    for await (const _ of Deno.readDir(path)) return true;
    return false;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/**
 * Whether the drill must seed first: true when the store, its WAL, the Parquet dir and the state dir
 * all hold nothing; false when the store holds data; otherwise SeedRefusedError naming what exists.
 */
export async function needsSeed(
  o: Pick<SeedOptions, "storePath" | "parquetDir" | "stateDir">,
): Promise<boolean> {
  if (await holdsData(o.storePath)) return false;
  const found: string[] = [];
  const paths: [string, string][] = [
    [`${o.storePath}.wal`, "the store's WAL"],
    [o.stateDir, "the live loop's state dir (LIVE_STATE_DIR)"],
    [o.parquetDir, "the Parquet dir (PARQUET_DIR)"],
  ];
  for (const [path, what] of paths) if (await holdsData(path)) found.push(`${what} ${path}`);
  if (found.length === 0) return true;
  throw new SeedRefusedError(
    `refusing to seed a store for the drill: no store at ${o.storePath} (STORE_PATH), but ${
      found.join(" and ")
    } ` +
      "holds data a simulator run would be mixed into; check STORE_PATH, or restore the store " +
      "(runbooks/backup_and_restore.md)",
  );
}

const spec = (service: string): ComponentSpec => {
  const s = STACK.find((c) => c.name === service);
  if (!s) throw new Error(`no ${service} in the stack`);
  return s;
};

/** The feed profile's venue and clock URLs, pointed at a simulator on `port` instead of the contract port. */
async function simUrls(port: number): Promise<Record<string, string>> {
  const file = parseEnvFile(await Deno.readTextFile(DEFAULT_ENV_FILE), DEFAULT_ENV_FILE);
  return Object.fromEntries(
    Object.entries(file).filter(([k]) => k.endsWith("_URL")).map((
      [k, v],
    ) => [k, v.replace(`127.0.0.1:${PORTS.venue_sim}`, `127.0.0.1:${port}`)]),
  );
}

export async function seedStack(o: SeedOptions): Promise<SeedStack> {
  const p = { sim: freePort(), feed: freePort(), loop: freePort() };
  const sim = spec(COMPONENTS.venue_sim.service), feed = spec(COMPONENTS.live_connector.service);
  const loop = spec(COMPONENTS.live_loop.service);
  const feedEnv = { ...await simUrls(p.sim), STORE_PATH: o.storePath, PARQUET_DIR: o.parquetDir };
  const specs: ComponentSpec[] = [
    { ...sim, port: p.sim, args: (c) => [...sim.args(c), "--port", String(p.sim)] },
    { ...feed, port: p.feed, args: () => ["--quiet", "--port", String(p.feed)], env: () => feedEnv },
    {
      ...loop,
      port: p.loop,
      args: (c) => [...loop.args(c), "--port", String(p.loop)],
      env: (c) => ({
        ...loop.env?.(c),
        LIVE_STATE_DIR: o.stateDir,
        LIVE_FEED_URL: `http://127.0.0.1:${p.feed}`,
        BINANCE_TRADING_PROFILE: "paper",
        BINANCE_TRADE_REST_URL: `http://127.0.0.1:${p.sim}/binance`,
        BINANCE_TRADE_WS_API_URL: `ws://127.0.0.1:${p.sim}/binance/ws-api/v3`,
      }),
    },
  ];
  const lines: string[] = [];
  const ctx = {
    workDir: o.workDir,
    logDir: o.logDir,
    eventsFile: join(o.workDir, "ai_events.jsonl"),
    runId: "backup_drill_seed",
  };
  await Deno.mkdir(o.workDir, { recursive: true });
  await Deno.mkdir(o.logDir, { recursive: true });
  const started = await startStack(ctx, (l) => lines.push(l), specs);
  const stop = () => stopAll(started.children, () => {});
  try {
    const failed = started.statuses.filter((s) => s.state !== "started");
    if (failed.length > 0) {
      throw new Error(
        `could not make a store to back up: ${failed.map((s) => `${s.name} ${s.detail}`).join("; ")}`,
      );
    }
    const minBars = o.minBars ?? 40;
    const seeded = await waitForValue(
      `the feed to store ${minBars} bars and the live loop to log a record (logs in ${o.logDir})`,
      async () => {
        const r = await fetch(`http://127.0.0.1:${p.feed}/health`).then((r) => r.json()).catch(() => null);
        const bars = Number(r?.store?.barsStored ?? 0);
        const records = (await summarizeLog(o.stateDir)).records;
        return bars >= minBars && records > 0 ? { bars, records } : undefined;
      },
      { timeoutMs: o.timeoutMs ?? 120_000, everyMs: 500 },
    );
    return { ...seeded, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
