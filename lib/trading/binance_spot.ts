// The Binance spot execution venue: the ExecutionVenue calls over signed REST (binance_trading.md §2)
// and the user stream over the WebSocket API. Client order ids are the loop's: checked locally against
// the charset Binance documents (FIX: ^[a-zA-Z0-9-_]{1,36}$) so a bad one never leaves the process; so
// are the symbol's filters once loadFilters() read them (the venue's -1013, refused before sending).
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

function badClientId<T>(id: string): Outcome<T> | null {
  if (CLIENT_ID_RE.test(id)) return null;
  const msg = "client order id must match ^[a-zA-Z0-9-_]{1,36}$ (not sent)";
  return { kind: "rejected", reason: "bad_request", code: null, msg, httpStatus: null };
}

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
  const msg = `Filter failure: ${failed} (checked locally, not sent)`;
  return { kind: "rejected", reason: "filter", code: null, msg, httpStatus: null };
}

export class BinanceSpot implements ExecutionVenue {
  readonly name = "binance-spot";
  readonly rest: BinanceRest;
  readonly #filters = new Map<string, SymbolFilters>();

  constructor(
    private readonly cfg: BinanceSpotConfig,
    private readonly creds: ApiCredentials,
    private readonly fx: BinanceSpotEffects,
  ) {
    this.rest = new BinanceRest(cfg.rest, creds, fx.rest);
  }

  /** Reads every symbol's filters from exchangeInfo; later places are checked against them first. */
  async loadFilters(): Promise<Outcome<number>> {
    const out = await this.rest.call("GET", "/api/v3/exchangeInfo", {}, parseExchangeFilters, {
      signed: false,
    });
    if (out.kind !== "confirmed") return out;
    for (const [symbol, f] of out.value) this.#filters.set(symbol, f);
    return { kind: "confirmed", value: out.value.size };
  }

  async place(req: OrderRequest): Promise<Outcome<VenueOrder>> {
    return badClientId(req.clientOrderId) ?? filterDenied(req, this.#filters.get(req.symbol)) ??
      await this.rest.call("POST", "/api/v3/order", placeParams(req), parseOrder, {
        signed: true,
        isOrder: true,
      });
  }

  async cancel(req: CancelRequest): Promise<Outcome<VenueOrder>> {
    const params = { symbol: req.symbol, origClientOrderId: req.clientOrderId };
    return badClientId(req.clientOrderId) ??
      await this.rest.call("DELETE", "/api/v3/order", params, parseOrder, { signed: true });
  }

  async queryByClientId(symbol: string, clientOrderId: string): Promise<Outcome<VenueOrder>> {
    const params = { symbol, origClientOrderId: clientOrderId };
    return badClientId(clientOrderId) ??
      await this.rest.call("GET", "/api/v3/order", params, parseOrder, { signed: true });
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
