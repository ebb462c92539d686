// What an execution venue offers the trading loop, venue-neutral: place, cancel, query by client id,
// open orders, fills since a trade id, balances, and user-stream events. Every call answers an
// Outcome: confirmed, definitively rejected (the venue proved nothing happened), or ambiguous (it may
// have happened: the loop must find out before acting again). Never "failed" for a maybe.
// Decimals stay strings as the venue sent them, so nothing is rounded on the way. The venue's order
// filters (exchange_filters.ts, in atoms) are read on demand and kept: a close is sized to its lot.
import type { SymbolFilters } from "../market/exchange_filters.ts";

export type Side = "BUY" | "SELL";
export type OrderType = "LIMIT" | "MARKET" | "LIMIT_MAKER";
export type TimeInForce = "GTC" | "IOC" | "FOK";

/** Venue order states (Binance's names; the next venues map onto them). */
export const ORDER_STATUSES = [
  "NEW",
  "PENDING_NEW",
  "PARTIALLY_FILLED",
  "FILLED",
  "CANCELED",
  "PENDING_CANCEL",
  "REJECTED",
  "EXPIRED",
  "EXPIRED_IN_MATCH",
] as const;
export type OrderStatus = typeof ORDER_STATUSES[number];

export interface OrderRequest {
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  /** Required: the loop's idempotency key, reused on every retry of the same intent. */
  readonly clientOrderId: string;
  readonly quantity?: string;
  /** MARKET only: quote amount to spend or receive instead of a base quantity. */
  readonly quoteQuantity?: string;
  readonly price?: string;
  /** LIMIT only; default GTC. */
  readonly timeInForce?: TimeInForce;
}

export interface VenueOrder {
  readonly symbol: string;
  readonly orderId: number;
  readonly clientOrderId: string;
  /** Absent in an ACK-only answer, and when the venue named a state this code does not know. */
  readonly status?: OrderStatus;
  /** The venue's own state name when it is none of ORDER_STATUSES (status then absent): look it up. */
  readonly unknownStatus?: string;
  readonly side?: Side;
  readonly type?: string;
  readonly price?: string;
  readonly origQty?: string;
  readonly executedQty?: string;
  readonly cumQuoteQty?: string;
  readonly timeMs?: number;
  readonly updateTimeMs?: number;
}

export interface Fill {
  readonly symbol: string;
  /** The venue's trade id: the dedupe key for fills. */
  readonly tradeId: number;
  readonly orderId: number;
  readonly price: string;
  readonly qty: string;
  readonly quoteQty: string;
  readonly commission: string;
  readonly commissionAsset: string | null;
  readonly timeMs: number;
  readonly isBuyer: boolean;
  readonly isMaker: boolean;
}

export interface Balance {
  readonly asset: string;
  readonly free: string;
  readonly locked: string;
}

/** Why the venue refused, venue-neutral; `code`/`msg` keep the venue's own words. */
export type RejectReason =
  | "duplicate_client_id"
  | "insufficient_balance"
  | "would_take"
  | "filter"
  | "not_found"
  | "timestamp"
  | "auth"
  | "rate_limited"
  | "bad_request"
  | "other";

export type Outcome<T> =
  | { readonly kind: "confirmed"; readonly value: T }
  | {
    readonly kind: "rejected";
    readonly reason: RejectReason;
    /** The venue's error code; null when refused locally (e.g. still inside a Retry-After). */
    readonly code: number | null;
    readonly msg: string;
    readonly httpStatus: number | null;
    /** Rate limits: the earliest time (ms, local clock) a retry may go out. */
    readonly retryAtMs?: number;
    /** The same as a wait from when the outcome was made (for callers on another clock). */
    readonly retryInMs?: number;
    /**
     * True when the connector refused it itself (a client id it will not send, a failed exchange
     * filter, a Retry-After or full rate-limit window still running): nothing was sent, so this is
     * not a venue decision. Absent on the venue's own rejections.
     */
    readonly local?: true;
  }
  | {
    readonly kind: "ambiguous";
    /** timeout, connection lost, 5xx, a venue "status unknown" code, an unreadable answer. */
    readonly cause: string;
    readonly code?: number;
    readonly httpStatus?: number;
  };

/** What the user stream tells the loop; stream_down gates submits until stream_up. */
export type UserEvent =
  | { readonly type: "stream_up"; readonly atMs: number }
  | { readonly type: "stream_down"; readonly atMs: number; readonly cause: string }
  /** The venue answered the stream's `ping` (a quiet session is still alive): a heartbeat, no data. */
  | { readonly type: "alive"; readonly atMs: number }
  | {
    readonly type: "order";
    /** clientOrderId is the order's own id, also on cancel events (Binance sends the cancel's id in `c`). */
    readonly order: VenueOrder;
    /** The venue's execution type (NEW, TRADE, CANCELED, EXPIRED, REJECTED, ...). */
    readonly execType: string;
    /** The venue's reject reason when execType is REJECTED (Binance `r`). */
    readonly rejectReason?: string;
    readonly fill?: Fill;
    readonly eventTimeMs: number;
  }
  | { readonly type: "balances"; readonly balances: readonly Balance[]; readonly eventTimeMs: number }
  | {
    readonly type: "balance_delta";
    readonly asset: string;
    readonly delta: string;
    readonly eventTimeMs: number;
  };

export interface CancelRequest {
  readonly symbol: string;
  /** The order's client id; "" when `orderId` names the order alone. */
  readonly clientOrderId: string;
  /** The venue's order id (adopted orphans whatever their client id); with a client id, both must match. */
  readonly orderId?: number;
}

/** What a read of the venue's filters found: how many symbols it holds, which were skipped and why. */
export interface FiltersLoaded {
  readonly symbols: number;
  readonly skipped: readonly { readonly symbol: string; readonly why: string }[];
}

export interface ExecutionVenue {
  readonly name: string;
  /**
   * The longest a request (a place above all) waits for the venue's answer before its outcome is
   * ambiguous (ms). Until then the order may still be live at the venue: the loop's in-flight checker
   * must not settle a "not found" sooner (live/config.ts refuses timings that would).
   */
  readonly requestTimeoutMs: number;
  place(req: OrderRequest): Promise<Outcome<VenueOrder>>;
  cancel(req: CancelRequest): Promise<Outcome<VenueOrder>>;
  /** Cancels every open order on `symbol` (a kill switch); outcomes as for cancel. */
  cancelAll(symbol: string): Promise<Outcome<readonly VenueOrder[]>>;
  /** A query of an order that does not exist is `rejected` with reason `not_found` (it may still appear). */
  queryByClientId(symbol: string, clientOrderId: string): Promise<Outcome<VenueOrder>>;
  openOrders(symbol?: string): Promise<Outcome<readonly VenueOrder[]>>;
  /** Fills with trade id ≥ fromTradeId, oldest first, at most `limit`. */
  fillsSince(symbol: string, fromTradeId: number, limit?: number): Promise<Outcome<readonly Fill[]>>;
  balances(): Promise<Outcome<readonly Balance[]>>;
  /** Reads every symbol's order filters, replacing what an earlier read kept (a failed read keeps it). */
  loadFilters(): Promise<Outcome<FiltersLoaded>>;
  /** The symbol's filters as last read; null before a read, or when the venue's were unreadable. */
  symbolFilters(symbol: string): SymbolFilters | null;
  /** Starts the user stream; events (stream_up/down included) go to `sink` until `signal` aborts. */
  userEvents(sink: (ev: UserEvent) => void, signal: AbortSignal): Promise<void>;
}
