// The crash-point proof's processes: the venue simulator (trading on, orders/fills truth, state file,
// chaos file re-read at runtime) and `./tp live` as a child on its own state dir, both on free loopback
// ports (never the contract ports, so a running stack is left alone). Each loop start is sampled on
// /health from its first moment; every raw answer goes into the evidence folder.
import { join } from "node:path";
import { pollUntil, waitForValue } from "../async/poll.ts";
import { sleep } from "../async/sleep.ts";
import { freePort } from "../http/free_port.ts";
import { type Child, spawnChild, startDaemon } from "../proc/child.ts";
import type { CrashPoint } from "../live/core.ts";
import type { EvidenceHandle } from "../evidence/with_evidence.ts";

export const SYMBOL = "BTCUSDT";
export const ATOMS = 100_000_000;
/** The simulator's starting balances (the loop's account). */
export const START_BALANCES = "USDT=100000,BTC=1";

export interface HealthSample {
  readonly atMs: number;
  /** HTTP status, 0 when nothing answered. */
  readonly code: number;
  readonly status: string | null;
  readonly reconciliation: string | null;
  /** The loop has a closed bar from the feed (its price reference). */
  readonly bar: boolean;
}

export interface LoopStart {
  readonly n: number;
  readonly crashPoint: CrashPoint | null;
  readonly samples: HealthSample[];
  /** How the process ended (null while it runs). */
  exit: { code: number; signal: string | null } | null;
}

export class LiveRig {
  /** The simulator's generated API key pair (from its keys file: never on a command line or in the folder). */
  key = "";
  secret = "";
  readonly token = crypto.randomUUID().replaceAll("-", "");
  #keysDir: string | null = null;
  readonly simPort = freePort();
  readonly simUrl = `http://127.0.0.1:${this.simPort}`;
  readonly starts: LoopStart[] = [];
  #sim: Child | null = null;
  #loop: Child | null = null;
  #loopUrl = "";
  #loopExited = false;

  /** The chaos file's trading section as last written. */
  trading: Record<string, unknown> = {};
  /** The mark feed the loop reads (set once the simulator's price is known). */
  feedUrl = "";

  constructor(readonly ev: EvidenceHandle, readonly progress: (line: string) => void) {}

  path(rel: string): string {
    return join(this.ev.staging, rel);
  }

  /** A loop process is up (started and not exited). */
  get running(): boolean {
    return this.#loop !== null && !this.#loopExited;
  }

  async startSim(): Promise<void> {
    await Deno.mkdir(this.path("venue"), { recursive: true });
    await Deno.mkdir(this.path("loop/state"), { recursive: true });
    await Deno.mkdir(this.path("api"), { recursive: true });
    await Deno.writeTextFile(this.path("venue/chaos.json"), "{}\n");
    this.#keysDir = await Deno.makeTempDir({ prefix: "tp_live_verify_keys_" });
    const keysFile = join(this.#keysDir, "keys.json");
    this.#sim = await startDaemon(
      {
        name: "venue_sim",
        cmd: Deno.execPath(),
        args: [
          ...["run", "-A", "scripts/venue_sim.ts", "--port", String(this.simPort), "--host", "127.0.0.1"],
          ...["--venues", "binance", "--symbols", "BTC-USDT", "--trading", "--balances", START_BALANCES],
          ...["--keys-file", keysFile, "--taker-fee", "0.001"],
          ...["--orders-truth", this.path("venue/orders_truth.jsonl")],
          ...["--fills-truth", this.path("venue/fills_truth.jsonl")],
          ...["--trading-state", this.path("venue/trading_state.json")],
          ...[
            "--chaos-file",
            this.path("venue/chaos.json"),
            "--chaos-log",
            this.path("venue/chaos_log.jsonl"),
          ],
          // The venue's clock at the wall clock (by default it starts at the minute's floor).
          ...["--start-ms", String(Date.now()), "--quiet"],
        ],
        env: { NO_COLOR: "1" },
        logFile: this.path("venue/venue_sim.log"),
      },
      `${this.simUrl}/sim/health`,
      30_000,
    );
    const keys = JSON.parse(await Deno.readTextFile(keysFile));
    [this.key, this.secret] = [String(keys.apiKey), String(keys.apiSecret)];
  }

  /** Writes the chaos file's trading section and waits until the simulator logged it as its config. */
  async chaos(trading: Record<string, unknown>): Promise<void> {
    await Deno.writeTextFile(this.path("venue/chaos.json"), JSON.stringify({ trading }) + "\n");
    this.trading = trading;
    const want = JSON.stringify(trading);
    await waitForValue(`the simulator to load chaos ${want}`, async () => {
      const lines = (await Deno.readTextFile(this.path("venue/chaos_log.jsonl")).catch(() => ""))
        .split("\n").filter((l) => l.includes('"kind":"config"'));
      const last = lines.at(-1);
      const got = last ? JSON.stringify(JSON.parse(last).chaos?.trading ?? {}) : "{}";
      return sameKeys(got, want) ? true : undefined;
    }, { timeoutMs: 10_000, everyMs: 100 });
  }

  /** Starts `./tp live` (warm when the state dir holds a run) and samples /health until 200 or `until`. */
  async startLoop(crashPoint: CrashPoint | null = null): Promise<LoopStart> {
    const port = freePort();
    const n = this.starts.length + 1;
    this.#loopUrl = `http://127.0.0.1:${port}`;
    this.progress(`loop start ${n}${crashPoint ? ` (crash point ${crashPoint})` : ""}`);
    this.#loop = await spawnChild({
      name: "live_loop",
      cmd: Deno.execPath(),
      args: [
        "run",
        "-A",
        "scripts/live.ts",
        "--port",
        String(port),
        "--config",
        this.path("loop/config.json"),
      ],
      env: {
        NO_COLOR: "1",
        LIVE_STATE_DIR: this.path("loop/state"),
        LIVE_FEED_URL: this.feedUrl,
        LIVE_ADMIN_TOKEN: this.token,
        LIVE_ADMIN_RATE_PER_MIN: "600",
        LIVE_DRILL: "1",
        LIVE_CRASH_POINT: crashPoint ?? "",
        BINANCE_TRADING_PROFILE: "paper",
        BINANCE_TRADE_REST_URL: `${this.simUrl}/binance`,
        BINANCE_TRADE_WS_API_URL: `${this.simUrl.replace("http", "ws")}/binance/ws-api/v3`,
        BINANCE_API_KEY: this.key,
        BINANCE_API_SECRET: this.secret,
        BINANCE_API_KEY_FILE: "",
        BINANCE_API_SECRET_FILE: "",
      },
      logFile: this.path(`loop/loop_${n}.log`),
    });
    this.#loopExited = false;
    const start: LoopStart = { n, crashPoint, samples: [], exit: null };
    void this.#loop.exited.then((st) => {
      this.#loopExited = true;
      start.exit = { code: st.code, signal: st.signal };
    });
    this.starts.push(start);
    return start;
  }

  /** Samples /health every 10 ms until `done(sample)` (or the loop exits, or 60 s). */
  async sampleHealth(start: LoopStart, done: (s: HealthSample) => boolean): Promise<HealthSample> {
    const loop = this.#loop!;
    let exited = false;
    void loop.exited.then(() => exited = true);
    const got = await pollUntil(
      async () => {
        if (exited) {
          const log = await Deno.readTextFile(this.path(`loop/loop_${start.n}.log`)).catch(() => "");
          const tail = log.trimEnd().split("\n").slice(-3).join(" | ");
          throw new Error(`the loop (start ${start.n}) exited: ${tail}`);
        }
        const s = await this.health();
        if (s.code !== 0 || start.samples.length === 0) start.samples.push(s);
        return done(s) ? s : undefined;
      },
      60_000,
      10,
    );
    if (!got) throw new Error(`the loop (start ${start.n}) never reached the awaited /health`);
    return got;
  }

  async health(): Promise<HealthSample> {
    try {
      const r = await fetch(`${this.#loopUrl}/health`, { signal: AbortSignal.timeout(2000) });
      const b = await r.json();
      return {
        atMs: Date.now(),
        code: r.status,
        status: b.loop_status ?? null,
        reconciliation: b.components?.reconciliation?.state ?? null,
        bar: typeof b.components?.["dependency:feed"]?.last_bar_age_s === "number",
      };
    } catch {
      return { atMs: Date.now(), code: 0, status: null, reconciliation: null, bar: false };
    }
  }

  /** An authorized call on the loop's port; the answer is saved as api/<name>.json. */
  async call(name: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const r = await fetch(`${this.#loopUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await r.text();
    await this.ev.write(`api/${name}.json`, text.endsWith("\n") ? text : text + "\n");
    const out = JSON.parse(text) as Record<string, unknown>;
    return { ...out, http: r.status };
  }

  /** The loop's end: SIGKILL expected (crash point) or a clean SIGTERM stop. */
  async waitCrash(): Promise<Deno.CommandStatus> {
    const s = await Promise.race([this.#loop!.exited, sleep(30_000).then(() => null)]);
    if (!s) throw new Error("the loop did not crash at its crash point within 30 s");
    this.#loop = null;
    return s;
  }

  async stopLoop(): Promise<Deno.CommandStatus | null> {
    const l = this.#loop;
    this.#loop = null;
    return l ? await l.stop(30_000) : null;
  }

  async close(): Promise<void> {
    await this.stopLoop().catch(() => null);
    await this.#sim?.stop(10_000).catch(() => null);
    this.#sim = null;
    if (this.#keysDir) await Deno.remove(this.#keysDir, { recursive: true }).catch(() => null);
  }
}

/** The simulator logs its merged config: every key we wrote must be there with our value. */
function sameKeys(got: string, want: string): boolean {
  const g = JSON.parse(got) as Record<string, unknown>, w = JSON.parse(want) as Record<string, unknown>;
  const wk = Object.keys(w);
  if (wk.length === 0) return Object.keys(g).length === 0;
  return wk.every((k) => JSON.stringify(g[k]) === JSON.stringify(w[k])) &&
    Object.keys(g).length === wk.length;
}
