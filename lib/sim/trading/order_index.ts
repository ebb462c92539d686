// Every order the venue accepted, found the ways Binance finds them: by orderId, by client order id
// (the newest order carrying it, since a finished order's id may be reused), open or not.
import { keyedRng } from "../rng.ts";
import type { SimOrder } from "./types.ts";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A venue-generated client order id (22 alphanumerics, as in Binance's examples), fixed per orderId. */
export function generatedClientId(orderId: number): string {
  const rng = keyedRng(orderId, "clientOrderId");
  const codes = new Array<number>(22);
  for (let i = 0; i < 22; i++) codes[i] = ALNUM.charCodeAt(Math.floor(rng() * ALNUM.length));
  return String.fromCharCode(...codes); // one flat string: maps hash it without flattening a rope first
}

export const isOpen = (o: SimOrder): boolean => o.status === "NEW" || o.status === "PARTIALLY_FILLED";

export class OrderIndex {
  /** All orders in acceptance order. */
  readonly all: SimOrder[] = [];
  // Ids are handed out in sequence, so by id is an array offset from the first; by client id is
  // account -> symbol -> id in nested maps (no composite string key to build and hash per order).
  #firstId = -1;
  readonly #byId: (SimOrder | undefined)[] = [];
  readonly #byClient = new Map<string, Map<string, Map<string, SimOrder>>>();

  #clientMap(account: string, symbol: string, create: boolean): Map<string, SimOrder> | undefined {
    let bySymbol = this.#byClient.get(account);
    if (!bySymbol) {
      if (!create) return undefined;
      this.#byClient.set(account, bySymbol = new Map());
    }
    let m = bySymbol.get(symbol);
    if (!m && create) bySymbol.set(symbol, m = new Map());
    return m;
  }

  add(o: SimOrder): void {
    if (this.#firstId < 0) this.#firstId = o.orderId;
    const i = o.orderId - this.#firstId;
    if (!Number.isInteger(i) || i < this.#byId.length || i > this.#byId.length + 1_000_000) {
      throw new RangeError(
        `Cannot index order ${o.orderId}: ids must rise (last ${this.#firstId + this.#byId.length - 1})`,
      );
    }
    this.all.push(o);
    this.#byId[i] = o;
    this.#clientMap(o.account, o.symbol, true)!.set(o.clientOrderId, o);
  }

  byId(account: string, symbol: string, orderId: number): SimOrder | null {
    const o = this.#byId[orderId - this.#firstId];
    return o && o.account === account && o.symbol === symbol ? o : null;
  }

  byClientId(account: string, symbol: string, clientOrderId: string): SimOrder | null {
    return this.#clientMap(account, symbol, false)?.get(clientOrderId) ?? null;
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
