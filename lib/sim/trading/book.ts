// One side of a symbol's resting orders in price-time priority: best price first, then earliest.
// The engine only reads the head while a print crosses it, so matching a trade that crosses
// nothing is one comparison.
import type { OrderSide, SimOrder } from "./types.ts";

export class SideBook {
  readonly side: OrderSide;
  /** Best first. */
  readonly orders: SimOrder[] = [];

  constructor(side: OrderSide) {
    this.side = side;
  }

  /** True when a comes before b: better price (higher bid, lower ask), then lower seq. */
  #before(a: SimOrder, b: SimOrder): boolean {
    if (a.priceTicks !== b.priceTicks) {
      return this.side === "BUY" ? a.priceTicks > b.priceTicks : a.priceTicks < b.priceTicks;
    }
    return a.seq < b.seq;
  }

  add(o: SimOrder): void {
    let lo = 0, hi = this.orders.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#before(this.orders[mid], o)) lo = mid + 1;
      else hi = mid;
    }
    this.orders.splice(lo, 0, o);
  }

  remove(o: SimOrder): void {
    const i = this.orders.indexOf(o);
    if (i >= 0) this.orders.splice(i, 1);
  }

  /** Does a print at `priceTicks` reach the order at index i (at or through its limit)? */
  crossedBy(i: number, priceTicks: number): boolean {
    const o = this.orders[i];
    if (!o) return false;
    return this.side === "BUY" ? priceTicks <= o.priceTicks : priceTicks >= o.priceTicks;
  }

  /** Drops the first n orders (filled by a print). */
  dropHead(n: number): void {
    if (n > 0) this.orders.splice(0, n);
  }
}

/** Both sides of every symbol. */
export class Books {
  readonly #books = new Map<string, { BUY: SideBook; SELL: SideBook }>();

  of(symbol: string): { BUY: SideBook; SELL: SideBook } {
    let b = this.#books.get(symbol);
    if (!b) this.#books.set(symbol, b = { BUY: new SideBook("BUY"), SELL: new SideBook("SELL") });
    return b;
  }
}
