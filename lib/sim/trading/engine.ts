// The paper matching engine, driven by the simulator's own public trades so paper fills agree with
// the bars. Resting limits fill at their limit when a print reaches them at or through their price
// from the opposite aggressor side, capped at the printed size, each print's size used once in
// price-time priority (maker). MARKET and marketable limits take at the last print's price moved by
// `slippageBps` against the taker, capped at the limit (taker): the fill model (fill_model.ts) prices and
// settles both, and the backtest uses the same one. Pure: time comes with each call.
import { Account, type AccountConfig } from "./accounts.ts";
import { Books } from "./book.ts";
import { ERR, type VenueError } from "./errors.ts";
import { generatedClientId, isOpen, OrderIndex } from "./order_index.ts";
import { quoteOf, takerPriceTicks } from "./fill_model.ts";
import { applyFill, lockFor, release } from "./settle.ts";
import type { SpotSymbol } from "./symbols.ts";
import type { ExecType, NewOrder, OrderEvent, Print, SimFill, SimOrder } from "./types.ts";

export interface EngineConfig {
  readonly symbols: readonly SpotSymbol[];
  /** Accounts by name (the REST layer maps API keys to them). */
  readonly accounts: Readonly<Record<string, AccountConfig>>;
  /** Whole basis points a taker pays beyond the last print (0: at the print). */
  readonly slippageBps: number;
  /** "unlimited": a taker fills in full at the last price; "last_print": only what the last print left. */
  readonly takerLiquidity: "unlimited" | "last_print";
  readonly firstOrderId?: number;
  readonly firstTradeId?: number;
}

export interface PlaceResult {
  readonly order: SimOrder;
  readonly fills: readonly SimFill[];
  readonly events: readonly OrderEvent[];
}

export interface CancelResult {
  readonly orders: readonly SimOrder[];
  readonly events: readonly OrderEvent[];
}

/** How a request names an order: orderId, client order id, or both (then they must agree). */
export interface OrderRef {
  readonly orderId?: number;
  readonly clientOrderId?: string;
}

export class MatchingEngine {
  readonly cfg: EngineConfig;
  readonly symbols: ReadonlyMap<string, SpotSymbol>;
  readonly accounts = new Map<string, Account>();
  readonly orders = new OrderIndex();
  readonly fills: SimFill[] = [];
  /** Last print per symbol: its price, and the size resting orders and takers left of it. */
  readonly last = new Map<string, { priceTicks: number; leftLots: number }>();
  readonly books = new Books();
  nextOrderId: number;
  nextTradeId: number;
  /** executionReport `I`: venue-wide, never reused (saved with the other counters). */
  nextExecutionId = 1;
  seq = 0;

  constructor(cfg: EngineConfig) {
    if (!Number.isInteger(cfg.slippageBps) || cfg.slippageBps < 0 || cfg.slippageBps >= 10_000) {
      throw new RangeError(`Cannot use slippage ${cfg.slippageBps} bps: whole bps from 0 to 9999`);
    }
    this.cfg = cfg;
    this.symbols = new Map(cfg.symbols.map((s) => [s.name, s]));
    for (const [name, a] of Object.entries(cfg.accounts)) this.accounts.set(name, new Account(name, a));
    this.nextOrderId = cfg.firstOrderId ?? 1;
    this.nextTradeId = cfg.firstTradeId ?? 1;
  }

  lastPrice(symbol: string): number | null {
    return this.last.get(symbol)?.priceTicks ?? null;
  }

  /** Accepts (NEW, then fills / rests / expires) or refuses a validated order. */
  place(account: string, n: NewOrder, now: number): PlaceResult | VenueError {
    const acct = this.accounts.get(account);
    if (!acct) return ERR.rejectedKey;
    const s = this.symbols.get(n.symbol);
    if (!s) return ERR.badSymbol;
    if (n.clientOrderId && this.orders.openWithClientId(account, n.symbol, n.clientOrderId)) {
      return ERR.duplicateOrder;
    }
    const buy = n.side === "BUY";
    const last = this.lastPrice(n.symbol);
    const taker = last === null ? null : takerPriceTicks(last, n.side, this.cfg.slippageBps);
    const marketable = last !== null &&
      (n.type === "MARKET" || (buy ? n.priceTicks >= last : n.priceTicks <= last));
    if (n.type === "LIMIT_MAKER" && marketable) return ERR.wouldTake;
    const execTicks = taker === null || n.type === "MARKET"
      ? taker
      : buy
      ? Math.min(n.priceTicks, taker)
      : Math.max(n.priceTicks, taker);
    let qty = n.qtyLots;
    if (n.type === "MARKET" && qty === 0 && execTicks !== null) {
      qty = Math.floor(n.quoteOrderQtyAtoms / quoteOf(s, execTicks, 1));
    }
    const lockTicks = n.type === "MARKET" ? execTicks ?? 0 : n.priceTicks;
    const lock = lockFor(s, n.side, lockTicks, qty);
    if (!acct.lock(buy ? s.quote : s.base, lock, now)) return ERR.insufficientBalance;
    const orderId = this.nextOrderId++;
    const o: SimOrder = {
      account,
      symbol: n.symbol,
      orderId,
      clientOrderId: n.clientOrderId ?? generatedClientId(orderId),
      side: n.side,
      type: n.type,
      timeInForce: n.timeInForce ?? "GTC",
      priceTicks: n.priceTicks,
      origQtyLots: qty,
      origQuoteOrderQtyAtoms: n.quoteOrderQtyAtoms,
      executedLots: 0,
      cumQuoteAtoms: 0,
      status: "NEW",
      time: now,
      updateTime: now,
      workingTime: now,
      lockedAtoms: lock,
      expiryReason: null,
      seq: this.seq++,
    };
    this.orders.add(o);
    const fills: SimFill[] = [];
    const events: OrderEvent[] = [event("NEW", o, null, now)];
    if (marketable && qty > 0) {
      const lp = this.last.get(n.symbol)!;
      let lots = Math.min(qty, this.cfg.takerLiquidity === "unlimited" ? qty : lp.leftLots);
      if (o.timeInForce === "FOK" && lots < qty) lots = 0;
      if (lots > 0) {
        if (this.cfg.takerLiquidity === "last_print") lp.leftLots -= lots;
        const f = applyFill(s, acct, o, {
          priceTicks: execTicks!,
          lots,
          maker: false,
          id: this.nextTradeId++,
          time: now,
        });
        this.fills.push(f);
        fills.push(f);
        events.push(event("TRADE", o, f, now));
      }
    }
    if (o.status === "FILLED") return { order: o, fills, events };
    if (n.type === "MARKET" || o.timeInForce !== "GTC") {
      o.expiryReason = n.type === "MARKET"
        ? "INSUFFICIENT_LIQUIDITY"
        : o.timeInForce === "IOC"
        ? "UNFILLED_IOC_QUANTITY_EXPIRED"
        : "UNFILLED_FOK_ORDER_EXPIRED";
      release(s, acct, o, now);
      o.status = "EXPIRED";
      events.push(event("EXPIRED", o, null, now));
    } else {
      this.books.of(n.symbol)[n.side].add(o);
    }
    return { order: o, fills, events };
  }

  /** Matches one public print against the resting orders it reaches; returns what changed. */
  onTrade(p: Print): OrderEvent[] {
    const s = this.symbols.get(p.symbol);
    if (!s) return [];
    const book = this.books.of(p.symbol)[p.side === "sell" ? "BUY" : "SELL"];
    const events: OrderEvent[] = [];
    let left = p.sizeLots, i = 0;
    while (left > 0 && book.crossedBy(i, p.priceTicks)) {
      const o = book.orders[i];
      const lots = Math.min(left, o.origQtyLots - o.executedLots);
      left -= lots;
      const f = applyFill(s, this.accounts.get(o.account)!, o, {
        priceTicks: o.priceTicks,
        lots,
        maker: true,
        id: this.nextTradeId++,
        time: p.timeMs,
      });
      this.fills.push(f);
      events.push(event("TRADE", o, f, p.timeMs));
      if (o.status !== "FILLED") break;
      i++;
    }
    book.dropHead(i);
    this.last.set(p.symbol, { priceTicks: p.priceTicks, leftLots: left });
    return events;
  }

  /** The order a reference names: null when none, "mismatch" when orderId and client id disagree. */
  find(account: string, symbol: string, ref: OrderRef): SimOrder | null | "mismatch" {
    if (ref.orderId !== undefined) {
      const o = this.orders.byId(account, symbol, ref.orderId);
      if (o && ref.clientOrderId !== undefined && o.clientOrderId !== ref.clientOrderId) return "mismatch";
      return o;
    }
    return ref.clientOrderId === undefined
      ? null
      : this.orders.byClientId(account, symbol, ref.clientOrderId);
  }

  /** Cancels one open order (`restriction`: Binance's cancelRestrictions). */
  cancel(
    account: string,
    symbol: string,
    ref: OrderRef,
    now: number,
    restriction?: "ONLY_NEW" | "ONLY_PARTIALLY_FILLED",
  ): CancelResult | VenueError {
    if (!this.symbols.has(symbol)) return ERR.badSymbol;
    const o = this.find(account, symbol, ref);
    if (o === null || o === "mismatch" || !isOpen(o)) return ERR.unknownOrderCancel;
    if (restriction === "ONLY_NEW" && o.status !== "NEW") return ERR.cancelRestricted;
    if (restriction === "ONLY_PARTIALLY_FILLED" && o.status !== "PARTIALLY_FILLED") {
      return ERR.cancelRestricted;
    }
    return { orders: [o], events: [this.#end(o, now)] };
  }

  /** Cancels every open order of the account on `symbol` (none open: -2011, as for one unknown order). */
  cancelAll(account: string, symbol: string, now: number): CancelResult | VenueError {
    if (!this.symbols.has(symbol)) return ERR.badSymbol;
    const open = this.orders.of(account, symbol, true);
    if (open.length === 0) return ERR.unknownOrderCancel;
    return { orders: open, events: open.map((o) => this.#end(o, now)) };
  }

  /** The venue ends an open order itself: EXPIRED with `reason` (e.g. EXCHANGE_CANCELED). */
  expire(o: SimOrder, now: number, reason: string): OrderEvent {
    o.expiryReason = reason;
    return this.#end(o, now, "EXPIRED");
  }

  #end(o: SimOrder, now: number, status: "CANCELED" | "EXPIRED" = "CANCELED"): OrderEvent {
    this.books.of(o.symbol)[o.side].remove(o);
    release(this.symbols.get(o.symbol)!, this.accounts.get(o.account)!, o, now);
    o.status = status;
    return event(status, o, null, now);
  }
}

function event(execType: ExecType, o: SimOrder, fill: SimFill | null, time: number): OrderEvent {
  return { execType, order: { ...o }, fill, time };
}
