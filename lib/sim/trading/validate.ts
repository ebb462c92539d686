// New-order parameters -> a NewOrder or Binance's exact refusal. Pure: the caller passes the symbol
// table and the last trade price (MARKET notional is checked against it, as Binance checks it
// against its reference price). Checks run in Binance's order: mandatory/enums, decimals, filters.
import { type DecimalProblem, parseAtoms } from "./decimal.ts";
import {
  ERR,
  filterFailure,
  illegalChars,
  mandatory,
  notRequired,
  tooPrecise,
  type VenueError,
} from "./errors.ts";
import { failedFilter } from "../../market/exchange_filters.ts";
import { type SpotSymbol, symbolFilters } from "./symbols.ts";
import type { NewOrder, OrderSide, OrderType, RespType, TimeInForce } from "./types.ts";

/** What validation reads of the request: a parameter by name, null when absent. */
export type Params = { get(name: string): string | null };

const DECIMAL_RANGE = "^([0-9]{1,20})(\\.[0-9]{1,20})?$";
/** Documented for FIX only; the simulator applies it to REST and WS too (binance_trading.md). */
export const CLIENT_ID = /^[a-zA-Z0-9\-_]{1,36}$/;
const CLIENT_ID_RANGE = "^[a-zA-Z0-9-_]{1,36}$";

const SIDES: readonly string[] = ["BUY", "SELL"];
const TYPES: readonly string[] = ["LIMIT", "MARKET", "LIMIT_MAKER"];
const TIFS: readonly string[] = ["GTC", "IOC", "FOK"];
const RESP: readonly string[] = ["ACK", "RESULT", "FULL"];

function decimal(p: Params, name: string): number | null | VenueError {
  const raw = p.get(name);
  if (raw === null || raw === "") return null;
  const v: number | DecimalProblem = parseAtoms(raw);
  if (v === "precision") return tooPrecise(name);
  if (typeof v !== "number") return illegalChars(name, DECIMAL_RANGE);
  return v;
}

const isErr = (x: unknown): x is VenueError => typeof x === "object" && x !== null;

/** Validates a new order; `lastPriceTicks` is null before the symbol's first trade. */
export function validateNewOrder(
  p: Params,
  symbols: ReadonlyMap<string, SpotSymbol>,
  lastPriceTicks: (symbol: string) => number | null,
): NewOrder | VenueError {
  const name = p.get("symbol");
  if (!name) return mandatory("symbol");
  const sym = symbols.get(name);
  if (!sym) return ERR.badSymbol;
  const side = p.get("side");
  if (!side) return mandatory("side");
  if (!SIDES.includes(side)) return ERR.badSide;
  const type = p.get("type");
  if (!type) return mandatory("type");
  if (!TYPES.includes(type)) return ERR.badType;
  const tif = p.get("timeInForce");
  if (type === "LIMIT" && !tif) return mandatory("timeInForce");
  if (type !== "LIMIT" && tif) return notRequired("timeInForce");
  if (tif && !TIFS.includes(tif)) return ERR.badTimeInForce;
  const resp = p.get("newOrderRespType");
  if (resp !== null && !RESP.includes(resp)) return illegalChars("newOrderRespType", "ACK|RESULT|FULL");
  const cid = p.get("newClientOrderId");
  if (cid === "") return ERR.emptyClientId;
  if (cid !== null && !CLIENT_ID.test(cid)) return illegalChars("newClientOrderId", CLIENT_ID_RANGE);

  const price = decimal(p, "price");
  const qty = decimal(p, "quantity");
  const quoteQty = decimal(p, "quoteOrderQty");
  for (const v of [price, qty, quoteQty]) if (isErr(v)) return v;
  if (type === "MARKET") {
    if (price !== null) return notRequired("price");
    if (qty === null && quoteQty === null) return mandatory("quantity");
    if (qty !== null && quoteQty !== null) return notRequired("quoteOrderQty");
  } else {
    if (price === null) return mandatory("price");
    if (qty === null) return mandatory("quantity");
    if (quoteQty !== null) return notRequired("quoteOrderQty");
  }
  const f = filters(
    sym,
    type as OrderType,
    price as number | null,
    qty as number | null,
    quoteQty as number | null,
    lastPriceTicks(name),
  );
  if (f) return f;
  return {
    symbol: name,
    side: side as OrderSide,
    type: type as OrderType,
    timeInForce: (tif as TimeInForce | null) ?? null,
    priceTicks: price === null ? 0 : (price as number) / sym.tickAtoms,
    qtyLots: qty === null ? 0 : (qty as number) / sym.lotAtoms,
    quoteOrderQtyAtoms: (quoteQty as number | null) ?? 0,
    clientOrderId: cid,
    respType: (resp as RespType | null) ?? (type === "LIMIT_MAKER" ? "ACK" : "FULL"),
  };
}

/** PRICE_FILTER, LOT_SIZE / MARKET_LOT_SIZE and NOTIONAL, in exchangeInfo order (shared with the connector). */
function filters(
  s: SpotSymbol,
  type: OrderType,
  price: number | null,
  qty: number | null,
  quoteQty: number | null,
  lastTicks: number | null,
): VenueError | null {
  const refPrice = lastTicks === null ? null : lastTicks * s.tickAtoms;
  const failed = failedFilter(symbolFilters(s), {
    type,
    price,
    quantity: qty,
    quoteOrderQty: quoteQty,
    refPrice,
  });
  return failed ? filterFailure(failed) : null;
}
