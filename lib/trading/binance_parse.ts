// Binance REST/WS API result shapes -> the venue-neutral types (binance_trading.md §2): one zod schema
// per answer at the edge, plain readonly values inside. Decimals stay the venue's strings; extra
// fields are ignored, missing required ones throw (the caller turns that into an ambiguous outcome).
import { z } from "zod";
import { filtersFromExchangeInfo, type SymbolFilters } from "../market/exchange_filters.ts";
import { type Balance, type Fill, ORDER_STATUSES, type OrderStatus, type VenueOrder } from "./venue.ts";

const dec = z.string().regex(/^-?\d+(\.\d+)?$/);
const int = z.number().int();

/** ACK, RESULT, FULL, query and cancel answers share these; RESULT+ fields are optional. */
const OrderSchema = z.object({
  symbol: z.string(),
  orderId: int,
  clientOrderId: z.string(),
  /** Cancel answers: the order's own id (clientOrderId is then the cancel's id). */
  origClientOrderId: z.string().optional(),
  status: z.string().optional(),
  side: z.enum(["BUY", "SELL"]).optional(),
  type: z.string().optional(),
  price: dec.optional(),
  origQty: dec.optional(),
  executedQty: dec.optional(),
  cummulativeQuoteQty: dec.optional(),
  time: int.optional(),
  transactTime: int.optional(),
  updateTime: int.optional(),
});

const TradeSchema = z.object({
  symbol: z.string(),
  id: int,
  orderId: int,
  price: dec,
  qty: dec,
  quoteQty: dec,
  commission: dec,
  commissionAsset: z.string().nullable(),
  time: int,
  isBuyer: z.boolean(),
  isMaker: z.boolean(),
});

const AccountSchema = z.object({
  balances: z.array(z.object({ asset: z.string(), free: dec, locked: dec })),
});

const ServerTimeSchema = z.object({ serverTime: int });

/**
 * The venue's order state: one of ORDER_STATUSES as `status`, anything else kept as `unknownStatus`
 * (status left absent). The order's existence and ids are still confirmed facts; guessing its state
 * could claim open or done wrongly, and failing the parse would leave a real order ambiguous forever.
 */
export function orderState(raw: string | undefined): Pick<VenueOrder, "status" | "unknownStatus"> {
  if (raw === undefined) return {};
  return (ORDER_STATUSES as readonly string[]).includes(raw)
    ? { status: raw as OrderStatus }
    : { unknownStatus: raw };
}

function order(o: z.infer<typeof OrderSchema>): VenueOrder {
  const out: Record<string, unknown> = {
    symbol: o.symbol,
    orderId: o.orderId,
    clientOrderId: o.origClientOrderId ?? o.clientOrderId,
  };
  const state = orderState(o.status);
  const opt: [string, unknown][] = [
    ["status", state.status],
    ["unknownStatus", state.unknownStatus],
    ["side", o.side],
    ["type", o.type],
    ["price", o.price],
    ["origQty", o.origQty],
    ["executedQty", o.executedQty],
    ["cumQuoteQty", o.cummulativeQuoteQty],
    ["timeMs", o.time ?? o.transactTime],
    ["updateTimeMs", o.updateTime ?? o.transactTime],
  ];
  for (const [k, v] of opt) if (v !== undefined) out[k] = v;
  return out as unknown as VenueOrder;
}

/** One order: place (any newOrderRespType), cancel (the order's own id kept), query. */
export function parseOrder(json: unknown): VenueOrder {
  return order(OrderSchema.parse(json));
}

export function parseOrders(json: unknown): readonly VenueOrder[] {
  return z.array(OrderSchema).parse(json).map(order);
}

export function parseTrades(json: unknown): readonly Fill[] {
  return z.array(TradeSchema).parse(json).map((t) => ({
    symbol: t.symbol,
    tradeId: t.id,
    orderId: t.orderId,
    price: t.price,
    qty: t.qty,
    quoteQty: t.quoteQty,
    commission: t.commission,
    commissionAsset: t.commissionAsset,
    timeMs: t.time,
    isBuyer: t.isBuyer,
    isMaker: t.isMaker,
  }));
}

export function parseBalances(json: unknown): readonly Balance[] {
  return AccountSchema.parse(json).balances.map((b) => ({ asset: b.asset, free: b.free, locked: b.locked }));
}

export function parseServerTime(json: unknown): number {
  return ServerTimeSchema.parse(json).serverTime;
}

const ExchangeInfoSchema = z.object({
  symbols: z.array(z.object({ symbol: z.string(), filters: z.array(z.unknown()) })),
});

export interface ExchangeFilters {
  readonly filters: ReadonlyMap<string, SymbolFilters>;
  /** Symbols whose filters could not be read: skipped (the venue judges their orders), never the load. */
  readonly skipped: readonly { readonly symbol: string; readonly why: string }[];
}

/** GET /api/v3/exchangeInfo -> each symbol's order filters; one unreadable symbol is skipped, not fatal. */
export function parseExchangeFilters(json: unknown): ExchangeFilters {
  const filters = new Map<string, SymbolFilters>();
  const skipped: { symbol: string; why: string }[] = [];
  for (const s of ExchangeInfoSchema.parse(json).symbols) {
    const f = filtersFromExchangeInfo(s.filters);
    if (f) filters.set(s.symbol, f);
    else skipped.push({ symbol: s.symbol, why: "a filter value is not a decimal atoms can hold" });
  }
  return { filters, skipped };
}
