// Binance's wire shapes for the trading double (testing/binance_trade_double.ts): order and trade rows
// as allOrders/myTrades spell them, the executionReport push, the error body, and an HMAC check done
// with Web Crypto so the double never shares the connector's signer.

export interface DoubleOrder {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  price: string;
  origQty: string;
  executedQty: string;
  cummulativeQuoteQty: string;
  status: string;
  timeInForce: string;
  type: string;
  side: string;
  time: number;
  updateTime: number;
}

export interface DoubleTrade {
  symbol: string;
  id: number;
  orderId: number;
  orderListId: number;
  price: string;
  qty: string;
  quoteQty: string;
  commission: string;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
  isBestMatch: boolean;
}

const enc = new TextEncoder();
export async function hmacHexWebCrypto(secret: string, payload: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    enc.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    [
      "sign",
    ],
  );
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(payload)));
  return Array.from(sig, (b) => b.toString(16).padStart(2, "0")).join("");
}

export const err = (status: number, code: number, msg: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ code, msg }), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

/** A NEW order from POST /api/v3/order parameters, as allOrders spells it. */
export function newOrder(p: URLSearchParams, orderId: number, clientOrderId: string, t: number): DoubleOrder {
  return {
    symbol: p.get("symbol") ?? "",
    orderId,
    clientOrderId,
    price: p.get("price") ?? "0.00000000",
    origQty: p.get("quantity") ?? "0",
    executedQty: "0.00000000",
    cummulativeQuoteQty: "0.00000000",
    status: "NEW",
    timeInForce: p.get("timeInForce") ?? "GTC",
    type: p.get("type") ?? "",
    side: p.get("side") ?? "",
    time: t,
    updateTime: t,
  };
}

export function isOpen(o: DoubleOrder): boolean {
  return o.status === "NEW" || o.status === "PARTIALLY_FILLED";
}

/** An executionReport for `o` (binance_trading.md §5): on a cancel `c` is the cancel's id and `C` the order's. */
export function executionReport(
  o: DoubleOrder,
  x: string,
  cancelId: string,
  t?: DoubleTrade,
): Record<string, unknown> {
  return {
    e: "executionReport",
    E: o.updateTime,
    s: o.symbol,
    c: x === "CANCELED" ? cancelId : o.clientOrderId,
    S: o.side,
    o: o.type,
    f: o.timeInForce,
    q: o.origQty,
    p: o.price,
    P: "0.00000000",
    F: "0.00000000",
    g: -1,
    C: x === "CANCELED" ? o.clientOrderId : "",
    x,
    X: o.status,
    r: "NONE",
    i: o.orderId,
    l: t?.qty ?? "0.00000000",
    z: o.executedQty,
    L: t?.price ?? "0.00000000",
    n: t?.commission ?? "0",
    N: t?.commissionAsset ?? null,
    T: o.updateTime,
    t: t?.id ?? -1,
    I: 1,
    w: o.status !== "FILLED",
    m: t?.isMaker ?? false,
    M: false,
    O: o.time,
    Z: o.cummulativeQuoteQty,
    Y: t?.quoteQty ?? "0.00000000",
    Q: "0.00000000",
    W: o.time,
    V: "NONE",
  };
}
