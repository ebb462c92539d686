// The OMS book: orders by client id, positions and fees per symbol/asset, and the client id counter,
// changed only by applying event-log records. The same apply() runs live and at replay, so the book
// a boot rebuilds is the book the run had. Deterministic: no clock, no randomness, no I/O.
import { isWorking, type Order, transition } from "./order.ts";
import { applyFill, FLAT, type Position } from "./position.ts";
import { type AdoptData, type IntentData, type NewOrder, type OrderEventData, REC } from "./records.ts";

export interface BookJson {
  readonly orders: readonly Order[];
  readonly positions: Readonly<Record<string, Position>>;
  readonly fees: Readonly<Record<string, number>>;
  readonly idCounter: number;
}

export type ApplyResult =
  | { readonly ok: true; readonly order: Order | null; readonly duplicate: boolean }
  | { readonly ok: false; readonly reason: string };

const IGNORED = { ok: true, order: null, duplicate: false } as const;

function newOrder(o: NewOrder, origin: Order["origin"], venueOrderId: number | null): Order {
  return {
    clientOrderId: o.clientOrderId,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    timeInForce: o.timeInForce,
    quantity: o.quantity,
    price: o.price,
    reduceOnly: o.reduceOnly,
    origin,
    strategy: o.strategy,
    correlationId: o.correlationId,
    state: "INITIALIZED",
    venueOrderId,
    filledQty: 0,
    filledQuote: 0,
    tradeIds: [],
    reason: null,
  };
}

export class OmsBook {
  #orders = new Map<string, Order>();
  #positions = new Map<string, Position>();
  #fees = new Map<string, number>();
  #idCounter = 0;

  static fromJSON(j: BookJson): OmsBook {
    const b = new OmsBook();
    for (const o of j.orders) b.#orders.set(o.clientOrderId, o);
    for (const [s, p] of Object.entries(j.positions)) b.#positions.set(s, p);
    for (const [a, f] of Object.entries(j.fees)) b.#fees.set(a, f);
    b.#idCounter = j.idCounter;
    return b;
  }

  /** Orders sorted by client id, positions and fees by key: equal books print equal JSON. */
  toJSON(): BookJson {
    const sorted = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
    return {
      orders: sorted(this.#orders).map(([, o]) => o),
      positions: Object.fromEntries(sorted(this.#positions)),
      fees: Object.fromEntries(sorted(this.#fees)),
      idCounter: this.#idCounter,
    };
  }

  get idCounter(): number {
    return this.#idCounter;
  }
  has(clientOrderId: string): boolean {
    return this.#orders.has(clientOrderId);
  }
  order(clientOrderId: string): Order | undefined {
    return this.#orders.get(clientOrderId);
  }
  orders(): IterableIterator<Order> {
    return this.#orders.values();
  }
  /** Orders at the venue or possibly so (SUBMITTED, ACCEPTED, PARTIALLY_FILLED, PENDING_CANCEL). */
  working(symbol?: string): Order[] {
    return [...this.#orders.values()].filter((o) => isWorking(o.state) && (!symbol || o.symbol === symbol));
  }
  /** Intents the log proves were never sent (INITIALIZED local orders): safe to send again, same id. */
  neverSent(): Order[] {
    return [...this.#orders.values()].filter((o) => o.state === "INITIALIZED" && o.origin === "local");
  }
  position(symbol: string): Position {
    return this.#positions.get(symbol) ?? FLAT;
  }
  positions(): ReadonlyMap<string, Position> {
    return this.#positions;
  }
  fees(): ReadonlyMap<string, number> {
    return this.#fees;
  }

  /** Applies one record; refusals change nothing and say why. Types it does not know are ignored. */
  apply(rec: { readonly type: string; readonly data: unknown }): ApplyResult {
    switch (rec.type) {
      case REC.intent: {
        const d = rec.data as IntentData;
        if (this.#orders.has(d.order.clientOrderId)) {
          return { ok: false, reason: `client id "${d.order.clientOrderId}" is already used` };
        }
        const o = newOrder(d.order, "local", null);
        this.#orders.set(o.clientOrderId, o);
        this.#idCounter = Math.max(this.#idCounter, d.counter);
        return { ok: true, order: o, duplicate: false };
      }
      case REC.adopted: {
        const d = rec.data as AdoptData;
        if (this.#orders.has(d.order.clientOrderId)) {
          return { ok: false, reason: `client id "${d.order.clientOrderId}" is already used` };
        }
        const o = newOrder(d.order, "external", d.venueOrderId);
        this.#orders.set(o.clientOrderId, o);
        return { ok: true, order: o, duplicate: false };
      }
      case REC.event:
        return this.#event(rec.data as OrderEventData);
      default:
        return IGNORED;
    }
  }

  #event(d: OrderEventData): ApplyResult {
    const before = this.#orders.get(d.clientOrderId);
    if (!before) return { ok: false, reason: `unknown order "${d.clientOrderId}"` };
    const r = transition(before, d.event);
    if (!r.ok || r.duplicate) return r;
    this.#orders.set(d.clientOrderId, r.order);
    if (d.event.kind === "fill") {
      const f = d.event.fill;
      this.#positions.set(
        before.symbol,
        applyFill(this.position(before.symbol), before.side, f.qty, f.quote),
      );
      if (f.commissionAsset !== null && f.commission !== 0) {
        this.#fees.set(f.commissionAsset, (this.#fees.get(f.commissionAsset) ?? 0) + f.commission);
      }
    }
    return r;
  }
}
