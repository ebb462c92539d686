// The Binance spot execution venue: the ExecutionVenue calls over signed REST (binance_trading.md §2)
// and the user stream over the WebSocket API. A new order's client id is the loop's: checked locally
// against the charset Binance documents (FIX only: ^[a-zA-Z0-9-_]{1,36}$) so a bad one never leaves the
// process; cancel and query take any id the venue may hold (REST's charset is unconfirmed), only an
// empty one is refused. New orders are checked against the symbol's filters once loadFilters() read
// them (the venue's -1013, refused before sending); a -1013 the check let through reloads them.
import { parseAtoms } from "../market/atoms.ts";
import { failedFilter, type SymbolFilters } from "../market/exchange_filters.ts";
import {
  parseBalances,
  parseExchangeFilters,
  parseOrder,
  parseOrders,
  parseTrades,
} from "./binance_parse.ts";
import { BinanceRest, type RestConfig, type RestEffects } from "./binance_rest.ts";
import type { Params } from "./binance_sign.ts";
import { runUserStream, type UserStreamConfig, type UserStreamEffects } from "./binance_user_stream.ts";
import type { ApiCredentials } from "./credentials.ts";
import type {
  Balance,
  CancelRequest,
  ExecutionVenue,
  Fill,
  FiltersLoaded,
  OrderRequest,
  Outcome,
  UserEvent,
  VenueOrder,
} from "./venue.ts";

const CLIENT_ID_RE = /^[a-zA-Z0-9_-]{1,36}$/;

export interface BinanceSpotConfig {
  readonly rest: RestConfig;
  readonly userStream: UserStreamConfig;
}

export interface BinanceSpotEffects {
  readonly rest: RestEffects;
  /** timestamp/beforeSession/onRefused default to the REST venue clock's; tests may override them. */
  readonly userStream: Omit<UserStreamEffects, "timestamp"> & Partial<Pick<UserStreamEffects, "timestamp">>;
}

/** Binance parameters for a new order (RESULT answers: status and executed quantity, no fill list). */
export function placeParams(r: OrderRequest): Params {
  return {
    symbol: r.symbol,
    side: r.side,
    type: r.type,
    timeInForce: r.type === "LIMIT" ? (r.timeInForce ?? "GTC") : undefined,
    quantity: r.quantity,
    quoteOrderQty: r.quoteQuantity,
    price: r.price,
    newClientOrderId: r.clientOrderId,
    newOrderRespType: "RESULT",
  };
}

/** A refusal made here: nothing was sent (venue.ts `local`). */
function localRefusal<T>(reason: "bad_request" | "filter", msg: string): Outcome<T> {
  return { kind: "rejected", reason, code: null, msg, httpStatus: null, local: true };
}

function badClientId<T>(id: string): Outcome<T> | null {
  if (CLIENT_ID_RE.test(id)) return null;
  return localRefusal("bad_request", "client order id must match ^[a-zA-Z0-9-_]{1,36}$ (not sent)");
}

/** Cancel/query: the order by venue id and/or client id; neither given is the caller's bug (not sent). */
function orderRef<T>(clientOrderId: string, orderId?: number): Params | Outcome<T> {
  if (clientOrderId === "" && orderId === undefined) {
    return localRefusal("bad_request", "an order needs a client order id or an order id (not sent)");
  }
  return { orderId, origClientOrderId: clientOrderId === "" ? undefined : clientOrderId };
}

const isOutcome = <T>(v: Params | Outcome<T>): v is Outcome<T> => typeof v.kind === "string";

/** The filter a request fails by the symbol's exchangeInfo filters, as a local refusal (null: send it). */
function filterDenied<T>(req: OrderRequest, f: SymbolFilters | undefined): Outcome<T> | null {
  if (!f) return null;
  const atoms = (v: string | undefined) => v === undefined ? null : parseAtoms(v);
  const [price, quantity, quoteOrderQty] = [atoms(req.price), atoms(req.quantity), atoms(req.quoteQuantity)];
  // A malformed decimal is the venue's to refuse, with its own code.
  if ([price, quantity, quoteOrderQty].some((v) => typeof v === "string")) return null;
  const n = (v: typeof price) => v as number | null;
  const failed = failedFilter(f, {
    type: req.type,
    price: n(price),
    quantity: n(quantity),
    quoteOrderQty: n(quoteOrderQty),
    refPrice: null, // the venue's reference price is not known here: MARKET notional is the venue's
  });
  if (!failed) return null;
  return localRefusal("filter", `Filter failure: ${failed} (checked locally, not sent)`);
}

export class BinanceSpot implements ExecutionVenue {
  readonly name = "binance-spot";
  readonly rest: BinanceRest;
  readonly #filters = new Map<string, SymbolFilters>();
  #filtersAtMs: number | null = null;

  constructor(
    private readonly cfg: BinanceSpotConfig,
    private readonly creds: ApiCredentials,
    private readonly fx: BinanceSpotEffects,
  ) {
    this.rest = new BinanceRest(cfg.rest, creds, fx.rest);
  }

  /** Places, cancels and queries go over REST only (the WebSocket API carries the user stream). */
  get requestTimeoutMs(): number {
    return this.rest.timeoutMs;
  }

  /**
   * Reads every symbol's filters from exchangeInfo (replacing what was read before); later places are
   * checked against them first. A symbol whose filters cannot be read is skipped (the venue judges it).
   */
  async loadFilters(): Promise<Outcome<FiltersLoaded>> {
    const out = await this.rest.call("GET", "/api/v3/exchangeInfo", {}, parseExchangeFilters, {
      signed: false,
    });
    if (out.kind !== "confirmed") return out;
    this.#filters.clear();
    for (const [symbol, f] of out.value.filters) this.#filters.set(symbol, f);
    this.#filtersAtMs = this.fx.rest.now();
    return { kind: "confirmed", value: { symbols: out.value.filters.size, skipped: out.value.skipped } };
  }

  /** The symbol's filters places are checked against (and the loop sizes a close to); null: none read. */
  symbolFilters(symbol: string): SymbolFilters | null {
    return this.#filters.get(symbol) ?? null;
  }

  /** How old the filters checked against are (ms, local clock); null before the first load. */
  filtersAgeMs(): number | null {
    return this.#filtersAtMs === null ? null : this.fx.rest.now() - this.#filtersAtMs;
  }

  async place(req: OrderRequest): Promise<Outcome<VenueOrder>> {
    const f = this.#filters.get(req.symbol);
    const refused = badClientId<VenueOrder>(req.clientOrderId) ?? filterDenied<VenueOrder>(req, f);
    if (refused) return refused;
    const out = await this.rest.call("POST", "/api/v3/order", placeParams(req), parseOrder, {
      signed: true,
      isOrder: true,
    });
    // The venue's filters changed under the copy that passed this order: read them again (the
    // outcome stays the venue's rejection; the loop decides what to place next).
    if (f && out.kind === "rejected" && out.code === -1013 && out.reason === "filter") {
      await this.loadFilters();
    }
    return out;
  }

  async cancel(req: CancelRequest): Promise<Outcome<VenueOrder>> {
    const ref = orderRef<VenueOrder>(req.clientOrderId, req.orderId);
    if (isOutcome(ref)) return ref;
    const params = { symbol: req.symbol, ...ref };
    return await this.rest.call("DELETE", "/api/v3/order", params, parseOrder, { signed: true });
  }

  /** DELETE /api/v3/openOrders: every open order on the symbol, whatever its client id. */
  cancelAll(symbol: string): Promise<Outcome<readonly VenueOrder[]>> {
    return this.rest.call("DELETE", "/api/v3/openOrders", { symbol }, parseOrders, { signed: true });
  }

  async queryByClientId(symbol: string, clientOrderId: string): Promise<Outcome<VenueOrder>> {
    const ref = orderRef<VenueOrder>(clientOrderId);
    if (isOutcome(ref)) return ref;
    return await this.rest.call("GET", "/api/v3/order", { symbol, ...ref }, parseOrder, { signed: true });
  }

  openOrders(symbol?: string): Promise<Outcome<readonly VenueOrder[]>> {
    return this.rest.call("GET", "/api/v3/openOrders", { symbol }, parseOrders, { signed: true });
  }

  fillsSince(symbol: string, fromTradeId: number, limit = 1000): Promise<Outcome<readonly Fill[]>> {
    const params = { symbol, fromId: fromTradeId, limit };
    return this.rest.call("GET", "/api/v3/myTrades", params, parseTrades, { signed: true });
  }

  balances(): Promise<Outcome<readonly Balance[]>> {
    return this.rest.call("GET", "/api/v3/account", { omitZeroBalances: true }, parseBalances, {
      signed: true,
    });
  }

  /** The subscription is signed with the venue's clock, resynced before a session when stale or refused. */
  userEvents(sink: (ev: UserEvent) => void, signal: AbortSignal): Promise<void> {
    const now = this.fx.rest.now;
    const clock = this.rest.clock;
    return runUserStream(
      this.cfg.userStream,
      this.creds,
      {
        timestamp: () => clock.timestamp(now()),
        beforeSession: async () => {
          if (clock.stale(now())) await this.rest.syncClock();
        },
        onRefused: (code) => code === -1021 && clock.invalidate(),
        ...this.fx.userStream,
      },
      sink,
      signal,
    );
  }
}
