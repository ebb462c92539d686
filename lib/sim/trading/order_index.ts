// Every order the venue accepted, found the ways Binance finds them: by orderId, by client order id
// (the newest order carrying it, since a finished order's id may be reused), open or not.
import { keyedRng } from "../rng.ts";
import type { SimOrder } from "./types.ts";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A venue-generated client order id (22 alphanumerics, as in Binance's examples), fixed per orderId. */
export function generatedClientId(orderId: number): string {
  const rng = keyedRng(orderId, "clientOrderId");
  let s = "";
  for (let i = 0; i < 22; i++) s += ALNUM[Math.floor(rng() * ALNUM.length)];
  return s;
}

export const isOpen = (o: SimOrder): boolean => o.status === "NEW" || o.status === "PARTIALLY_FILLED";

export class OrderIndex {
  /** All orders in acceptance order. */
  readonly all: SimOrder[] = [];
  readonly #byId = new Map<number, SimOrder>();
  readonly #byClient = new Map<string, SimOrder>();

  static #clientKey(account: string, symbol: string, clientOrderId: string): string {
    return `${account}\u0000${symbol}\u0000${clientOrderId}`;
  }

  add(o: SimOrder): void {
    this.all.push(o);
    this.#byId.set(o.orderId, o);
    this.#byClient.set(OrderIndex.#clientKey(o.account, o.symbol, o.clientOrderId), o);
  }

  byId(account: string, symbol: string, orderId: number): SimOrder | null {
    const o = this.#byId.get(orderId);
    return o && o.account === account && o.symbol === symbol ? o : null;
  }

  byClientId(account: string, symbol: string, clientOrderId: string): SimOrder | null {
    return this.#byClient.get(OrderIndex.#clientKey(account, symbol, clientOrderId)) ?? null;
  }

  /** The open order carrying this client id, if any (Binance's duplicate check). */
  openWithClientId(account: string, symbol: string, clientOrderId: string): SimOrder | null {
    const o = this.byClientId(account, symbol, clientOrderId);
    return o && isOpen(o) ? o : null;
  }

  /** An account's orders (one symbol, or all when symbol is null), oldest first. */
  of(account: string, symbol: string | null, open = false): SimOrder[] {
    return this.all.filter((o) =>
      o.account === account && (symbol === null || o.symbol === symbol) && (!open || isOpen(o))
    );
  }
}
