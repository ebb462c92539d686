// The trading simulator's records. Prices are integer ticks and quantities integer lots of the
// symbol (SpotSymbol converts); balances and quote amounts are atoms (1e-8). Enum values are Binance's.

export type OrderSide = "BUY" | "SELL";
export type OrderType = "LIMIT" | "MARKET" | "LIMIT_MAKER";
export type TimeInForce = "GTC" | "IOC" | "FOK";
export type RespType = "ACK" | "RESULT" | "FULL";
export type OrderStatus = "NEW" | "PARTIALLY_FILLED" | "FILLED" | "CANCELED" | "EXPIRED" | "REJECTED";
/** executionReport `x` values the engine produces. */
export type ExecType = "NEW" | "TRADE" | "CANCELED" | "EXPIRED";

/** A validated new order, before the engine sees it. */
export interface NewOrder {
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  /** LIMIT_MAKER and MARKET carry none on the wire; the engine treats them as GTC / IOC. */
  readonly timeInForce: TimeInForce | null;
  /** 0 for MARKET. */
  readonly priceTicks: number;
  /** Base quantity in lots; 0 for a MARKET order given by quoteOrderQty. */
  readonly qtyLots: number;
  /** Quote to spend/receive (atoms), MARKET only; 0 when quantity was given. */
  readonly quoteOrderQtyAtoms: number;
  /** null: the venue generates one. */
  readonly clientOrderId: string | null;
  readonly respType: RespType;
}

/** One order as the venue keeps it (mutated in place by the engine only). */
export interface SimOrder {
  readonly account: string;
  readonly symbol: string;
  readonly orderId: number;
  readonly clientOrderId: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly timeInForce: TimeInForce;
  readonly priceTicks: number;
  origQtyLots: number;
  readonly origQuoteOrderQtyAtoms: number;
  executedLots: number;
  cumQuoteAtoms: number;
  status: OrderStatus;
  readonly time: number;
  updateTime: number;
  /** When it went on the book; -1 while never resting. */
  workingTime: number;
  /** Atoms still locked for this order (quote for a buy, base for a sell). */
  lockedAtoms: number;
  expiryReason: string | null;
  /** Time priority on the book (lower first). */
  readonly seq: number;
}

/** One execution of an order (a myTrades row). */
export interface SimFill {
  readonly account: string;
  readonly symbol: string;
  readonly id: number;
  readonly orderId: number;
  readonly priceTicks: number;
  readonly qtyLots: number;
  readonly quoteAtoms: number;
  readonly commissionAtoms: number;
  readonly commissionAsset: string;
  readonly time: number;
  readonly isBuyer: boolean;
  readonly isMaker: boolean;
}

/** A public trade print the engine matches against (the simulator's own trade stream). */
export interface Print {
  /** Binance symbol, e.g. BTCUSDT. */
  readonly symbol: string;
  readonly priceTicks: number;
  readonly sizeLots: number;
  /** Aggressor side: "sell" hits bids (fills resting buys), "buy" lifts offers. */
  readonly side: "buy" | "sell";
  readonly timeMs: number;
}

/** One change the engine made: an order moved (with the fill that moved it, if any). */
export interface OrderEvent {
  readonly execType: ExecType;
  /** Snapshot of the order after the change. */
  readonly order: Readonly<SimOrder>;
  readonly fill: SimFill | null;
  readonly time: number;
  /** On a CANCELED event: the cancel request's own client id (executionReport `c`), set by the API layer. */
  readonly cancelClientId?: string;
}

/** Per-asset balance in atoms. */
export interface Balance {
  free: number;
  locked: number;
}
