// The venue's own chaos acts, driven by the trading chaos config (trading_chaos.ts): REST calls
// answered before the venue sees them (5xx bursts, 429 storms), orders someone else placed on the
// account (orphans), open orders that vanish without an event, and a cancel that loses its race to a
// fill, and a stalled read path (read_hold.ts). Each act is one chaos-log line naming ids only (never a key, secret or signature).
import type { ChaosSink } from "./chaos_ack.ts";
import type { OrderRef } from "./engine.ts";
import { isOpen } from "./order_index.ts";
import { ReadHold } from "./read_hold.ts";
import { json } from "./rest_handler.ts";
import { placeOrder, record, type TradingContext } from "./rest_orders.ts";
import { applyFill } from "./settle.ts";
import type { OrphanSpec, TradingChaos } from "./trading_chaos.ts";
import type { SimOrder } from "./types.ts";

/**
 * A 5xx burst is a gateway in front of the engine failing (Binance sits behind CloudFront/nginx): an
 * HTML 502 page, not Binance's JSON, as such a gateway sends. It also tells it apart from the ack
 * faults' -1007/503 JSON. Either way a client must treat a 5xx as unknown (binance_trading.md §4).
 */
export const BAD_GATEWAY_HTML = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
  "<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";

/** Binance's -1003 body for an IP over its request weight (the storm's 429). */
export const STORM_BODY = {
  code: -1003,
  msg: "Too much request weight used; current limit is 6000 request weight per 1 MINUTE. " +
    "Please use WebSocket Streams for live updates to avoid polling the API.",
} as const;

/** The client order id an orphan carries: Binance's web UI prefix, never one our client makes. */
export const orphanClientId = (id: string): string => `web_${id}`;

export interface VenueChaosDeps {
  readonly ctx: TradingContext;
  readonly chaos: TradingChaos | undefined;
  readonly log: ChaosSink;
  /** Server time, ms. */
  readonly now: () => number;
  /** Where orphans go when their spec names no account (the first API key's). */
  readonly defaultAccount: string | undefined;
  /** The engine changed without an event (a vanish): the state file must be saved. */
  readonly changed: () => void;
}

export class VenueChaos {
  readonly #d: VenueChaosDeps;
  readonly #orphansDone = new Set<string>();
  /** Signed REST reads waiting for `holdSignedReads` to be dropped. */
  readonly reads: ReadHold;

  constructor(deps: VenueChaosDeps) {
    this.#d = deps;
    this.reads = new ReadHold(() => deps.chaos?.readsHeld() ?? false, deps.log);
  }

  /**
   * REST gate, before rate limits and processing: a storm's 429 or a burst's 502, or null (pass); a
   * signed GET under `holdSignedReads` waits for its release first, then meets the same gate.
   */
  gate(route: string, signed: boolean, p: URLSearchParams): Response | null | Promise<Response | null> {
    const held = signed && route.startsWith("GET ") ? this.reads.hold(route) : null;
    return held ? held.then(() => this.#fault(route, signed, p)) : this.#fault(route, signed, p);
  }

  #fault(route: string, signed: boolean, p: URLSearchParams): Response | null {
    const f = this.#d.chaos?.gateFault(signed, route);
    if (!f) return null;
    const clientOrderId = p.get("newClientOrderId") ?? p.get("origClientOrderId");
    this.#d.log({
      kind: f.kind,
      venue: "binance",
      route,
      call: f.call,
      ...(clientOrderId ? { clientOrderId } : {}),
      ...(f.kind === "storm_429" ? { retryAfterS: f.retryAfterS } : {}),
    });
    // A storm is not the limiter's violation: it never counts towards a 418 ban.
    if (f.kind === "storm_429") return json(429, STORM_BODY, { "Retry-After": String(f.retryAfterS) });
    return new Response(BAD_GATEWAY_HTML, { status: 502, headers: { "content-type": "text/html" } });
  }

  /** Places the orphans not placed yet and vanishes the listed open orders (idempotent; call often). */
  apply(): void {
    const c = this.#d.chaos?.current;
    for (const o of c?.orphans ?? []) if (!this.#orphansDone.has(o.id)) this.#orphan(o);
    const ids = c?.vanishClientOrderIds;
    if (!ids || ids.length === 0) return;
    const { engine } = this.#d.ctx;
    const now = this.#d.now();
    // By index, not a scan of every order ever placed: this runs on every call and every trade.
    for (const account of engine.accounts.keys()) {
      for (const symbol of engine.symbols.keys()) {
        for (const id of ids) {
          const o = engine.orders.openWithClientId(account, symbol, id);
          if (o) this.vanish(o.orderId, now);
        }
      }
    }
  }

  /**
   * "An order disappears without an event": the venue expires an open order (EXCHANGE_CANCELED), the
   * truth records it, no user-data event is sent. False when no such open order.
   */
  vanish(orderId: number, now: number): boolean {
    const { engine, truth } = this.#d.ctx;
    const o = engine.orders.all.find((x) => x.orderId === orderId);
    if (!o || !isOpen(o)) return false;
    truth?.record([engine.expire(o, now, "EXCHANGE_CANCELED")]);
    this.#d.changed();
    this.#d.log({ kind: "vanish", venue: "binance", clientOrderId: o.clientOrderId, orderId });
    return true;
  }

  /**
   * Before a cancel of one open LIMIT order: one draw; when the fill wins, a print crossed it just
   * before, so it fills at its limit for what is left (maker) and the cancel then finds it closed
   * (-2011 Unknown order sent.). The fill reaches the truth, myTrades and the user stream.
   */
  beforeCancel(account: string, symbol: string, ref: OrderRef, now: number): void {
    const chaos = this.#d.chaos;
    const { engine } = this.#d.ctx;
    const o = engine.find(account, symbol, ref);
    if (!chaos || o === null || o === "mismatch" || !isOpen(o) || o.type !== "LIMIT") return;
    if (!chaos.cancelLosesRace()) return;
    const fill = fillRest(this.#d.ctx, o, now);
    this.#d.log({
      kind: "cancel_fill_race",
      venue: "binance",
      clientOrderId: o.clientOrderId,
      orderId: o.orderId,
      fills: [{ orderId: o.orderId, tradeId: fill }],
    });
  }

  #orphan(spec: OrphanSpec): void {
    this.#orphansDone.add(spec.id);
    const account = spec.account ?? this.#d.defaultAccount;
    const clientOrderId = orphanClientId(spec.id);
    const line = { kind: "orphan_order", venue: "binance", id: spec.id, clientOrderId } as const;
    // Placed before (a restarted venue restored from its state file): not again.
    if (!account || this.#d.ctx.engine.orders.byClientId(account, spec.symbol, clientOrderId)) return;
    const p = new URLSearchParams({
      symbol: spec.symbol,
      side: spec.side,
      type: "LIMIT",
      timeInForce: "GTC",
      price: spec.price,
      quantity: spec.quantity,
      newClientOrderId: clientOrderId,
    });
    const r = placeOrder(this.#d.ctx, account, p, this.#d.now());
    const body = r.body as { orderId?: number; code?: number; msg?: string };
    if (r.status === 200) this.#d.log({ ...line, orderId: body.orderId });
    else this.#d.log({ ...line, error: { code: body.code, msg: body.msg } });
  }
}

/** Fills what is left of open LIMIT `o` at its limit (maker); returns the trade id. */
function fillRest(ctx: TradingContext, o: SimOrder, now: number): number {
  const { engine } = ctx;
  const f = applyFill(engine.symbols.get(o.symbol)!, engine.accounts.get(o.account)!, o, {
    priceTicks: o.priceTicks,
    lots: o.origQtyLots - o.executedLots,
    maker: true,
    id: engine.nextTradeId++,
    time: now,
  });
  engine.fills.push(f);
  engine.books.of(o.symbol)[o.side].remove(o);
  record(ctx, [{ execType: "TRADE", order: { ...o }, fill: f, time: now }]);
  return f.id;
}
