// `./tp live-verify`: the crash-point proof of the live loop. Starts the venue simulator and `./tp live`
// (paper, drill API on, its own state dir) on free ports with a mark feed, runs the fault matrix
// (live_matrix.ts), stops everything, then judges the gates (live_gates.ts) from the files it kept:
// evidence folder live_loop_verify_<stamp>/ sealed by withEvidence. Interrupted (SIGINT), the cases
// left are not run and the folder is still written, FAIL.
import { withEvidence } from "../evidence/with_evidence.ts";
import { proofRun, type ProofRunOptions } from "../evidence/proof_run.ts";
import { BinanceSpot } from "../trading/binance_spot.ts";
import { tradingConfigFromEnv } from "../trading/binance_config.ts";
import { ApiCredentials } from "../trading/credentials.ts";
import { waitForValue } from "../async/poll.ts";
import { instrument } from "../sim/instruments.ts";
import { gateJudgement } from "./gate_judgement.ts";
import type { GateResult } from "./gates.ts";
import { ProofFeed } from "./live_feed.ts";
import { judgeLive, LIVE_SUMMARY, readLiveInputs } from "./live_gates.ts";
import { CASE_NAMES, type CaseOutcome, runCase, warmUp } from "./live_matrix.ts";
import { type MatrixCtx, orders, startReady } from "./live_steps.ts";
import { LiveRig, SYMBOL } from "./live_rig.ts";

export interface LiveVerifyOptions extends ProofRunOptions {
  /** Cases to run, in matrix order (default: all of them). */
  cases?: readonly string[];
  signal?: AbortSignal;
  progress?: (line: string) => void;
}

export interface LiveVerifyResult {
  verdict: "PASS" | "FAIL";
  dir: string;
  results: GateResult[];
  summaryText: string;
}

/**
 * The loop's config for the proof: a short in-flight threshold, a 3% drawdown latch, and a grace that
 * with the threshold just outlasts the connector's default request timeout (11 s), as `./tp live` requires.
 */
const proofConfig = () => ({
  mode: "paper",
  tag: "lv",
  feed: { venue: "binance", interval: "1m", stale_after_s: 60 },
  symbols: [{ symbol: SYMBOL, base: "BTC", quote: "USDT", feed_symbol: "BTC-USDT" }],
  risk: {
    max_notional_per_order: 50_000,
    max_position: { [SYMBOL]: 2 },
    max_open_orders: 20,
    max_orders_per_second: 20,
    price_collar_bps: 5_000,
    max_bar_age_s: 300,
    max_daily_loss: 50_000,
    max_drawdown_bps: 300,
  },
  inflight: { interval_ms: 250, threshold_ms: 1_000, retries: 5 },
  missing_grace_ms: 11_500,
  flatten_on_halt: false,
  cancel_on_shutdown: false,
});

export async function runLiveVerify(opts: LiveVerifyOptions): Promise<LiveVerifyResult> {
  const names = opts.cases ?? CASE_NAMES;
  const progress = opts.progress ?? (() => {});
  const sealed = await withEvidence("live_loop_verify", proofRun(opts, "live-verify"), async (ev) => {
    const rig = new LiveRig(ev, progress);
    let feed: ProofFeed | null = null;
    const outcomes: CaseOutcome[] = [];
    let price = 0;
    const onAbort = () => void rig.stopLoop().catch(() => null);
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      progress("starting the venue simulator");
      await rig.startSim();
      // The instrument's start price: the simulator's market walks from it (its first closed kline is
      // a minute away), close enough for marks and a wide collar.
      price = instrument("BTC-USDT").startPrice;
      feed = new ProofFeed("BTC-USDT", price);
      rig.feedUrl = feed.url;
      await ev.writeJson("loop/config.json", proofConfig());
      const c: MatrixCtx = { rig, feed, price };
      await startReady(c);
      await warmUp(c);
      await saveViews(c, "before");
      for (const name of names) {
        if (opts.signal?.aborted) {
          outcomes.push({ name, ok: false, detail: "not run: interrupted" });
          continue;
        }
        progress(`case ${name}`);
        const o = await runCase(c, name);
        progress(`case ${name}: ${o.ok ? "ok" : "FAILED"}: ${o.detail}`);
        outcomes.push(o);
      }
      if (!opts.signal?.aborted) {
        if (!rig.running) await startReady(c);
        await settle(c);
        await saveViews(c, "after");
      }
    } finally {
      opts.signal?.removeEventListener("abort", onAbort);
      progress("stopping the loop and the simulator");
      await rig.close();
      await feed?.close();
    }
    await ev.writeJson("api/health_starts.json", rig.starts);
    await ev.writeJson("cases.json", outcomes);
    await ev.write("RECONCILIATION_REPORT.txt", await reconReport(rig));
    const results = judgeLive(await readLiveInputs(ev.staging));
    const header = {
      cases: names.join(","),
      loop_starts: String(rig.starts.length),
      sim_price: String(price),
      judged_at: new Date().toISOString(),
    };
    return {
      ...gateJudgement(LIVE_SUMMARY, header, results, "gates"),
      config: { cases: names, loop: proofConfig(), interrupted: opts.signal?.aborted ?? false },
      value: results,
    };
  });
  return { verdict: sealed.verdict, dir: sealed.dir, results: sealed.value, summaryText: sealed.summaryText };
}

/** Waits (bounded) until the OMS has nothing in flight; the gate judges what is left. */
async function settle(c: MatrixCtx): Promise<void> {
  await waitForValue("no order in flight", async () => {
    const os = await orders(c);
    return os.every((o) => !["INITIALIZED", "SUBMITTED", "PENDING_CANCEL"].includes(o.state))
      ? true
      : undefined;
  }, { timeoutMs: 20_000, everyMs: 200 }).catch(() => null);
}

/** The OMS view (orders, /health) and the venue view (balances, open orders via the connector). */
async function saveViews(c: MatrixCtx, when: "before" | "after"): Promise<void> {
  await orders(c, `oms_${when}`);
  await c.rig.call(`health_${when}`, "GET", "/health");
  const env: Record<string, string> = {
    BINANCE_TRADING_PROFILE: "paper",
    BINANCE_TRADE_REST_URL: `${c.rig.simUrl}/binance`,
    BINANCE_TRADE_WS_API_URL: `${c.rig.simUrl.replace("http", "ws")}/binance/ws-api/v3`,
  };
  const spot = new BinanceSpot(
    tradingConfigFromEnv((k) => env[k]).spot,
    new ApiCredentials(c.rig.key, c.rig.secret),
    {
      rest: { fetch, now: () => Date.now() },
      userStream: { connect: (u) => new WebSocket(u), now: () => Date.now() },
    },
  );
  const [b, o] = [await spot.balances(), await spot.openOrders(SYMBOL)];
  await c.rig.ev.writeJson(`venue/view_${when}.json`, {
    balances: b.kind === "confirmed" ? b.value : null,
    openOrders: o.kind === "confirmed" ? o.value : null,
    errors: [b, o].filter((x) => x.kind !== "confirmed"),
  });
}

/** Each start's reconciliation and recovery lines from the loop's own log: discrepancy and resolution. */
async function reconReport(rig: LiveRig): Promise<string> {
  const wanted =
    /"msg":"live_loop\.(recovery|reconciliation|requeue_order|adopt_order|inflight|kill_switch|start)"/;
  const out = ["# the loop's reconciliation per start: what it found and how it resolved it (its log lines)"];
  for (const s of rig.starts) {
    out.push(`## start ${s.n}${s.crashPoint ? ` (crash point ${s.crashPoint})` : ""}`);
    const log = await Deno.readTextFile(rig.path(`loop/loop_${s.n}.log`)).catch(() => "");
    for (const l of log.split("\n")) if (wanted.test(l)) out.push(l);
  }
  return out.join("\n") + "\n";
}
