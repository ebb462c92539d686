// What every part of the loop shares: config, venue, clock and timers, the journal (the only way the
// book changes), the kill switch, marks and the counters. `apply` is the one path an order event takes:
// logged (durable first, or once written where records.ts allows), applied, counted, logged as a line;
// a refused transition is counted and logged, never thrown; a fill is registered once (by trade id).
import type { Timers } from "../async/sleep.ts";
import type { OmsJournal } from "../oms/journal.ts";
import { type KillSwitch, loadKillSwitch } from "../oms/kill_switch.ts";
import type { ApplyResult } from "../oms/book.ts";
import { isClosed, type Order, type OrderEvent } from "../oms/order.ts";
import type { EquityTrack } from "../oms/risk.ts";
import type { ExecutionVenue } from "../trading/venue.ts";
import type { LiveConfig } from "./config.ts";
import { EV, type LoopCounters } from "./counters.ts";
import { type Holdings, positionViews } from "./ledger.ts";
import type { LoopHookName, LoopHooks, PositionView } from "./loop_view.ts";

export interface LoopEffects {
  readonly venue: ExecutionVenue;
  /** Wall clock (ms) of the venue's time: grace periods, ages, log record times. */
  readonly now: () => number;
  /** Waits (429 Retry-After, grace, in-flight interval) run on these. */
  readonly timers: Timers;
  readonly logger: import("../log.ts").Logger;
  /** Monotonic ms for fsync durations (default performance.now). */
  readonly monoMs?: () => number;
  /**
   * Local ms for liveness ages (the venue's heartbeat), default performance.now: real seconds, as the
   * stream's pings and the alerts count them, even when the venue's clock runs faster (venue-sim --speed
   * 60) and jumps at each resync of the connector's offset.
   */
  readonly localMs?: () => number;
  /**
   * Fault injection for the crash-point proof (`./tp live-verify`, paper only): called at each named
   * step of an order's life; `./tp live` kills its own process there when LIVE_CRASH_POINT names it.
   */
  readonly crashAt?: (point: CrashPoint) => void;
}

/**
 * The steps of an order's life a crash can be injected at (LIVE_CRASH_POINT). `after_intent`: the first
 * order whose intent is durable (an idle loop's order has its `submitted` in the same sync, so it may be
 * sent); `after_queued_intent`: only an order that waited in the queue, taken by the worker before its
 * `submitted` is logged, so provably never sent (a warm start re-queues it, same client id).
 */
export const CRASH_POINTS = [
  "after_intent",
  "after_send",
  "after_ack",
  "during_cancel",
  "after_queued_intent",
] as const;
export type CrashPoint = typeof CRASH_POINTS[number];

/** What became of one order event (LoopCore.tryApply). */
export type ApplyOutcome = "applied" | "unchanged" | "refused";

/** Per order, when it was sent and what the in-flight checker learned (memory only: boot re-derives). */
export interface InflightInfo {
  sentAtMs: number;
  firstMissingMs: number | null;
  failedQueries: number;
  /** Its cancel was refused as unknown (-2011) before the venue knew it: sent again once acked. */
  cancelRefused?: boolean;
  /** Cancels the checker sent again for an order still open at the venue after its cancel. */
  cancelsResent?: number;
}

export class LoopCore {
  journal: OmsJournal | null = null;
  /** The run number this process logs to. */
  run: number | null = null;
  /** The persisted kill switch; null until loaded (by start(), or by an admin change before it). */
  killSwitch: KillSwitch | null = null;
  #switchLoad: Promise<{ readonly problem: string | null }> | null = null;
  equity: EquityTrack | null = null;
  baseline: Holdings | null = null;
  readonly marks = new Map<string, number>();
  readonly lastClose = new Map<string, { price: number; closeTimeMs: number }>();
  readonly inflight = new Map<string, InflightInfo>();
  /** Venue order id -> client id of closed orders a reconciliation found open (recon_closed.ts; memory). */
  readonly closedOpenIds = new Map<number, string>();
  /**
   * Per order sent by this process: the first trade id its fills can have (past every fill of its
   * symbol known when it was sent; trade ids rise per symbol), so a fill lookup reads only from there.
   */
  readonly fillsFrom = new Map<string, number>();
  /**
   * Orders the worker holds unsent (a Retry-After wait, a reconciliation, their `submitted` sync): it
   * sends one only while it is here; a cancel takes it out and ends it (held.ts). Nothing looks them up.
   */
  readonly resending = new Set<string>();
  /** Orders whose place request is out (or about to be): no answer yet, so not looked up. */
  readonly placing = new Set<string>();
  /** Held orders whose end (never sent) is being logged (held.ts): not sent, not looked up meanwhile. */
  readonly ending = new Set<string>();
  reconciling = false;
  /** Why the loop may not trade now (quarantine, failed reconciliation, failed log), or null. */
  blocked: string | null = null;
  /** Called after each fill is applied (equity, drawdown, the position hook). */
  afterFill: () => Promise<void> = () => Promise.resolve();
  readonly #hooks = new Map<LoopHookName, Set<(arg: never) => void>>();

  constructor(
    readonly cfg: LiveConfig,
    readonly fx: LoopEffects,
    readonly counters: LoopCounters,
  ) {}

  /** Not to be looked up now: a 429 wait or a place without its answer yet (the worker settles it). */
  heldBySender(id: string): boolean {
    return this.resending.has(id) || this.placing.has(id) || this.ending.has(id);
  }

  /** Why the loop is not trading now (a failed event log first), or null. */
  blockedReason(): string | null {
    const failed = this.journal?.log.failed;
    if (failed) return `event log failed: ${failed.message}`;
    return this.blocked;
  }

  /** Positions of the traded symbols with PnL at the marks (none before the log opens). */
  positions(): PositionView[] {
    return this.journal ? positionViews(this.j.book, this.cfg.symbols, this.marks) : [];
  }

  #maxTradeId(symbol: string): number {
    let m = 0;
    for (const o of this.j.book.orders()) {
      if (o.symbol === symbol) { for (const t of o.tradeIds) m = Math.max(m, t); }
    }
    return m;
  }

  /**
   * Reads the persisted switch once: start() and an operator's engage/reset that comes before it share
   * the read, so neither overwrites the other's state. `problem`: the file could not be read (HALTED).
   */
  loadSwitch(): Promise<{ readonly problem: string | null }> {
    this.#switchLoad ??= loadKillSwitch(this.cfg.stateDir, this.now()).then((r) => {
      this.killSwitch ??= r.ks;
      return { problem: r.problem };
    });
    return this.#switchLoad;
  }
  /** The kill switch once loaded (start() loads it before anything can trade). */
  get ks(): KillSwitch {
    if (!this.killSwitch) throw new Error("live loop: kill switch not loaded (not started)");
    return this.killSwitch;
  }

  get venue(): ExecutionVenue {
    return this.fx.venue;
  }
  now(): number {
    return this.fx.now();
  }
  get j(): OmsJournal {
    if (!this.journal) throw new Error("live loop: no event log open (quarantined or not started)");
    return this.journal;
  }

  on<K extends LoopHookName>(name: K, fn: LoopHooks[K]): () => void {
    const set = this.#hooks.get(name) ?? new Set();
    this.#hooks.set(name, set);
    set.add(fn as (arg: never) => void);
    return () => set.delete(fn as (arg: never) => void);
  }
  fire<K extends LoopHookName>(name: K, arg: Parameters<LoopHooks[K]>[0]): void {
    for (const fn of this.#hooks.get(name) ?? []) {
      try {
        (fn as (a: typeof arg) => void)(arg);
      } catch (err) {
        this.counters.emit("error", "live_loop.hook_failed", { hook: name, error: String(err) });
      }
    }
  }

  /** Logs one order event (durable per records.ts), applies it, counts it. Returns whether the book changed. */
  async apply(id: string, event: OrderEvent, via: string): Promise<boolean> {
    return await this.tryApply(id, event, via) === "applied";
  }

  /** apply, saying what became of the event: applied, unchanged (a duplicate) or refused by the OMS. */
  async tryApply(id: string, event: OrderEvent, via: string): Promise<ApplyOutcome> {
    const before = this.j.book.order(id);
    const { result } = await this.j.event(id, event);
    return this.applied(id, event, via, before, result);
  }

  /** What apply does once the journal applied `event` (`before`: the order until then): counts it. */
  async applied(
    id: string,
    event: OrderEvent,
    via: string,
    before: Order | undefined,
    result: ApplyResult,
  ): Promise<ApplyOutcome> {
    if (!result.ok) {
      this.counters.refusedTransitions++;
      this.counters.emit("warn", EV.refused, {
        clientOrderId: id,
        event: event.kind,
        reason: result.reason,
        via,
      });
      return "refused";
    }
    const o = result.order;
    if (result.duplicate || !o) return "unchanged";
    const c = this.counters;
    const metric: Partial<Record<OrderEvent["kind"], string>> = {
      accepted: "acknowledged",
      rejected: "rejected",
      canceled: "canceled",
      expired: "canceled",
    };
    const m = metric[event.kind];
    // An ack counts once: when the order first learns its venue id.
    if (m && !(event.kind === "accepted" && before?.venueOrderId != null)) c.order(o.symbol, m);
    if (event.kind === "fill") {
      c.fill(o.symbol);
      if (o.state === "FILLED") c.order(o.symbol, "filled");
      c.emit("info", EV.registerFill, {
        clientOrderId: id,
        correlationId: o.correlationId,
        symbol: o.symbol,
        tradeId: event.fill.tradeId,
        qty: event.fill.qty,
        price: event.fill.price,
        via,
      });
      this.fire("fill", { order: o, fill: event.fill, via });
    }
    if (o.state !== "SUBMITTED" && o.state !== "PENDING_CANCEL") this.inflight.delete(id);
    if (event.kind === "submitted") this.fillsFrom.set(id, this.#maxTradeId(o.symbol) + 1);
    if (isClosed(o.state)) this.fillsFrom.delete(id);
    c.emit("info", EV.orderProcessed, {
      clientOrderId: id,
      correlationId: o.correlationId,
      symbol: o.symbol,
      event: event.kind,
      state: o.state,
      via,
    });
    if (event.kind === "fill") await this.afterFill();
    return "applied";
  }
}
