// RefStrat_01 through the loop (issue 12, paper mode): the same pure strategy as shadow_mvs
// (lib/strategy) and the same bar dedupe (lib/shadow/processed_bars), one decision per closed bar. On a
// position change in paper/live mode it sends a MARKET order through LiveLoop.submitOrder with a
// correlation id that names the bar, so a bar redelivered (a reconnect, a restart) never trades twice:
// the strategy's memory says the bar was decided, and an order of the OMS already carries its id.
// Feed before bot: no decision while the feed's stream is stale or unhealthy. In shadow mode it decides
// and logs, never orders. Its state (the shadow's decision form) is saved atomically in the state dir;
// over the market bus it carries the bar's stream sequence (`bus_seq`), where a restart reads on from.
import { join } from "node:path";
import { writeFileAtomic } from "../fs/atomic.ts";
import type { Logger } from "../log.ts";
import type { ClosedBar } from "../market/types.ts";
import { isClosed, type Order } from "../oms/order.ts";
import { ProcessedBars } from "../shadow/processed_bars.ts";
import { decisionEvent, type Resume, resumeFromDecision } from "../shadow/shadow_events.ts";
import {
  type Decision,
  INITIAL_STATE,
  type RefStratParams,
  type RefStratState,
  step,
} from "../strategy/refstrat_01.ts";
import type { LoopView } from "./loop_view.ts";
import type { OrderSpec, SubmitResult } from "./submitter.ts";

/** What the strategy needs of the loop (LiveLoop has it). */
export interface StrategyLoop {
  submitOrder(venue: string, order: OrderSpec, correlationId: string): Promise<SubmitResult>;
  orders(): readonly Order[];
  snapshot(): LoopView;
  /**
   * What an order closing the position may send (`qty`), what more orders must close (`rest`: over the
   * venue's maximum) and the dust no order may send, base atoms.
   */
  closable(symbol: string): { readonly qty: number; readonly rest: number; readonly dust: number };
}

export interface BarStrategyConfig {
  readonly mode: "shadow" | "paper" | "live";
  /** The loop's client id tag: names the correlation ids too. */
  readonly tag: string;
  readonly params: RefStratParams;
  /** Base atoms bought on an entry (an exit sells the position: what the account holds of it). */
  readonly sizeAtoms: number;
  /** The strategy's saved state (in the loop's state dir). */
  readonly stateFile: string;
}

/** What one bar came to: skipped (and why), or decided (and the order it led to, if any). */
export type BarOutcome =
  | { readonly kind: "duplicate" | "corrected" | "feed_not_ok" | "loop_not_ready"; readonly detail?: string }
  | {
    readonly kind: "decided";
    readonly decision: Decision;
    readonly correlationId: string;
    /** null: no order (hold, shadow mode, nothing to sell, or one already placed for this bar). */
    readonly order: SubmitResult | null;
    readonly why?: string;
  };

export const strategyStateFile = (stateDir: string, tag: string) => join(stateDir, `strategy_${tag}.json`);

/** The correlation id of a bar's decision: tag, symbol, interval, the bar's open time. */
export const barCorrelationId = (tag: string, symbol: string, bar: ClosedBar) =>
  `${tag}:${symbol}:${bar.interval}:${bar.openTimeMs}`;

/** The saved state, or null when there is none (a file that does not parse is an error, not a reset). */
export async function loadStrategyState(path: string): Promise<Resume | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
  const r = resumeFromDecision(JSON.parse(text));
  if (!r) throw new Error(`${path}: not a saved strategy decision`);
  return r;
}

export class BarStrategy {
  #state: RefStratState;
  readonly #bars: ProcessedBars;
  readonly counts = {
    decided: 0,
    duplicate: 0,
    corrected: 0,
    feed_not_ok: 0,
    loop_not_ready: 0,
    orders: 0,
    denied: 0,
    /** Times the book said long while the loop held nothing of it (set flat). */
    resynced: 0,
  };

  constructor(
    private readonly cfg: BarStrategyConfig,
    private readonly loop: StrategyLoop,
    /** The feed gate (FeedBars.view()): ok, or why not. */
    private readonly gate: () => { readonly ok: boolean; readonly error: string | null },
    private readonly log: Logger,
    private readonly now: () => number,
    resume: Resume | null,
  ) {
    this.#state = resume?.state ?? INITIAL_STATE;
    this.#bars = new ProcessedBars(resume?.lastDecidedOpenTimeMs ?? null);
  }

  get state(): RefStratState {
    return this.#state;
  }

  /**
   * One closed bar of `symbol` (the loop's symbol), after the loop took it as its mark; `busSeq`: its
   * market bus sequence, saved with the decision (durable before any order, in the same file).
   */
  async onBar(bar: ClosedBar, symbol: string, busSeq?: number): Promise<BarOutcome> {
    const seen = this.#bars.classify(bar);
    if (seen !== "new") {
      this.counts[seen]++;
      return { kind: seen };
    }
    const g = this.gate();
    if (!g.ok) {
      this.counts.feed_not_ok++;
      this.log("warn", "live_loop.strategy_skipped", { symbol, bar: bar.openTimeMs, feed: g.error });
      return { kind: "feed_not_ok", detail: g.error ?? "feed not ok" };
    }
    // Booting, reconciling or not trading: the bar stays undecided (as a gated one), never an order lost;
    // logged as the gated one is, so a bar the strategy never decided is seen.
    const { status, reason } = this.loop.snapshot();
    if (status !== "ready") {
      this.counts.loop_not_ready++;
      this.log("warn", "live_loop.strategy_skipped", { symbol, bar: bar.openTimeMs, loop: status, reason });
      return { kind: "loop_not_ready", detail: status };
    }
    this.#resync(symbol, bar);
    const r = step(this.#state, { close: bar.c, ...featuresOf(bar) }, this.cfg.params);
    this.#state = r.state;
    this.#bars.add(bar);
    this.counts.decided++;
    const nowMs = this.now();
    const saved = {
      ...decisionEvent(ID, bar, r, { nowMs, latencyMs: null, catchUp: false, busSeq }),
      mode: this.cfg.mode,
    };
    // Saved before any order: a crash after it leaves the bar decided, and the OMS's correlation id
    // (checked below) covers a crash between the order's intent and this write.
    await writeFileAtomic(this.cfg.stateFile, JSON.stringify(saved) + "\n", { durable: true });
    const correlationId = barCorrelationId(this.cfg.tag, symbol, bar);
    const decided = (order: SubmitResult | null, why?: string): BarOutcome => {
      this.log("info", "live_loop.strategy_decision", {
        symbol,
        bar: bar.openTimeMs,
        decision: r.decision,
        reason: r.reason,
        correlationId,
        order: order?.ok ? order.clientOrderId : order ? `denied ${order.reason}` : null,
        ...(why ? { why } : {}),
      });
      return { kind: "decided", decision: r.decision, correlationId, order, ...(why ? { why } : {}) };
    };
    if (!r.action) return decided(null);
    if (this.cfg.mode === "shadow") return decided(null, "shadow mode");
    if (this.loop.orders().some((o) => o.correlationId === correlationId)) {
      return decided(null, "an order for this bar exists");
    }
    const view = this.loop.snapshot();
    const { qty: held, dust } = this.loop.closable(symbol);
    const buy = r.action.action === "open_long";
    // What an exit cannot sell (under the venue's lot or minimum notional) stays held: said, never sent.
    if (!buy && dust > 0) {
      this.log("warn", "live_loop.strategy_dust", { symbol, bar: bar.openTimeMs, quantity: held, dust });
    }
    if (!buy && held <= 0) return decided(null, "nothing to sell");
    const spec: OrderSpec = {
      symbol,
      side: buy ? "BUY" : "SELL",
      type: "MARKET",
      quantity: buy ? this.cfg.sizeAtoms : held,
      price: null,
      reduceOnly: !buy,
      strategy: this.cfg.tag,
    };
    const res = await this.loop.submitOrder(view.venue, spec, correlationId);
    if (res.ok) this.counts.orders++;
    else this.counts.denied++;
    return decided(res);
  }

  /**
   * The strategy holds no long the loop does not: when its book says long but the account holds nothing a
   * close may sell (dust aside) and no order of the symbol is still open (the entry was denied, rejected
   * or expired; the position was flattened on a halt), the book goes flat, so the next cross up can enter
   * again.
   */
  #resync(symbol: string, bar: ClosedBar): void {
    const book = this.#state.book;
    // Shadow mode's book is what it would hold: it never orders, so the loop never holds it.
    if (this.cfg.mode === "shadow" || book.size === 0) return;
    const held = this.loop.closable(symbol);
    if (held.qty > 0 || this.loop.orders().some((o) => o.symbol === symbol && !isClosed(o.state))) return;
    this.#state = { ...this.#state, book: { ...book, size: 0, entryPrice: null, stop: null } };
    this.counts.resynced++;
    // `dust`: base atoms still held that no close may sell (under the venue's lot or minimum notional).
    const fields = { symbol, bar: bar.openTimeMs, was: book.size, dust: held.dust };
    this.log("warn", "live_loop.strategy_resync", fields);
  }
}

const ID = { run_id: "live_loop", component: "live_loop", source: "refstrat_01" };

function featuresOf(bar: ClosedBar) {
  return { ema12: bar.features.ema_12, ema26: bar.features.ema_26, atr14: bar.features.atr_14 };
}
