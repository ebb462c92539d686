// The engine's records in Binance's JSON shapes (field names and spelling as the venue sends them,
// `cummulativeQuoteQty` included): query-order, myTrades row, the ACK/RESULT/FULL place responses
// and the cancel response. Decimals are 8-place strings, ids and times integers.
import { formatPadded } from "../instruments.ts";
import { formatAtoms } from "./decimal.ts";
import type { SpotSymbol } from "./symbols.ts";
import type { RespType, SimFill, SimOrder } from "./types.ts";

const ZERO = "0.00000000";
const STP = "EXPIRE_MAKER";

const price = (s: SpotSymbol, ticks: number) => formatPadded(ticks, s.priceDecimals, 8);
const qty = (s: SpotSymbol, lots: number) => formatPadded(lots, s.sizeDecimals, 8);

/** GET /api/v3/order (and openOrders / allOrders rows). */
export function orderView(s: SpotSymbol, o: SimOrder): Record<string, unknown> {
  const open = o.status === "NEW" || o.status === "PARTIALLY_FILLED";
  return {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: price(s, o.priceTicks),
    origQty: qty(s, o.origQtyLots),
    executedQty: qty(s, o.executedLots),
    cummulativeQuoteQty: formatAtoms(o.cumQuoteAtoms),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    stopPrice: ZERO,
    icebergQty: ZERO,
    time: o.time,
    updateTime: o.updateTime,
    isWorking: open,
    workingTime: o.workingTime,
    origQuoteOrderQty: formatAtoms(o.origQuoteOrderQtyAtoms),
    selfTradePreventionMode: STP,
    ...(o.expiryReason ? { expiryReason: o.expiryReason } : {}),
  };
}

/** GET /api/v3/myTrades row. */
export function fillView(s: SpotSymbol, f: SimFill): Record<string, unknown> {
  return {
    symbol: f.symbol,
    id: f.id,
    orderId: f.orderId,
    orderListId: -1,
    price: price(s, f.priceTicks),
    qty: qty(s, f.qtyLots),
    quoteQty: formatAtoms(f.quoteAtoms),
    commission: formatAtoms(f.commissionAtoms),
    commissionAsset: f.commissionAsset,
    time: f.time,
    isBuyer: f.isBuyer,
    isMaker: f.isMaker,
    isBestMatch: true,
  };
}

/** The execution fields place (RESULT/FULL) and cancel responses share, in Binance's order. */
function execution(s: SpotSymbol, o: SimOrder) {
  return {
    price: price(s, o.priceTicks),
    origQty: qty(s, o.origQtyLots),
    executedQty: qty(s, o.executedLots),
    origQuoteOrderQty: formatAtoms(o.origQuoteOrderQtyAtoms),
    cummulativeQuoteQty: formatAtoms(o.cumQuoteAtoms),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
  };
}

/** POST /api/v3/order response in the asked shape; `o` is the order as the placing call left it. */
export function placeView(
  s: SpotSymbol,
  o: SimOrder,
  fills: readonly SimFill[],
  resp: RespType,
  transactTime: number,
): Record<string, unknown> {
  const ack = {
    symbol: o.symbol,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    transactTime,
  };
  if (resp === "ACK") return ack;
  const result = {
    ...ack,
    ...execution(s, o),
    workingTime: o.workingTime,
    selfTradePreventionMode: STP,
    ...(o.expiryReason ? { expiryReason: o.expiryReason } : {}),
  };
  if (resp === "RESULT") return result;
  return {
    ...result,
    fills: fills.map((f) => ({
      price: price(s, f.priceTicks),
      qty: qty(s, f.qtyLots),
      commission: formatAtoms(f.commissionAtoms),
      commissionAsset: f.commissionAsset,
      tradeId: f.id,
    })),
  };
}

/** DELETE /api/v3/order response (one element of DELETE /api/v3/openOrders). */
export function cancelView(
  s: SpotSymbol,
  o: SimOrder,
  cancelClientId: string,
  transactTime: number,
): Record<string, unknown> {
  return {
    symbol: o.symbol,
    origClientOrderId: o.clientOrderId,
    orderId: o.orderId,
    orderListId: -1,
    clientOrderId: cancelClientId,
    transactTime,
    ...execution(s, o),
    selfTradePreventionMode: STP,
  };
}
