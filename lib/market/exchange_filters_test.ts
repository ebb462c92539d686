import assert from "node:assert/strict";
import { failedFilter, type FilterOrder, filtersFromExchangeInfo } from "./exchange_filters.ts";

// BTCUSDT's filters as Binance's exchangeInfo lists them (binance_trading.md), strings as on the wire.
const BTCUSDT = [
  {
    filterType: "PRICE_FILTER",
    minPrice: "0.01000000",
    maxPrice: "1000000.00000000",
    tickSize: "0.01000000",
  },
  { filterType: "LOT_SIZE", minQty: "0.00001000", maxQty: "9000.00000000", stepSize: "0.00001000" },
  { filterType: "ICEBERG_PARTS", limit: 10 },
  { filterType: "MARKET_LOT_SIZE", minQty: "0.00000000", maxQty: "76.00000000", stepSize: "0.00000000" },
  {
    filterType: "NOTIONAL",
    minNotional: "5.00000000",
    applyMinToMarket: true,
    maxNotional: "9000000.00000000",
    applyMaxToMarket: false,
    avgPriceMins: 5,
  },
];
const f = filtersFromExchangeInfo(BTCUSDT)!;
const E = 100_000_000; // atoms per unit

const limit = (price: number, quantity: number): FilterOrder => ({
  type: "LIMIT",
  price: Math.round(price * E),
  quantity: Math.round(quantity * E),
  quoteOrderQty: null,
  refPrice: null,
});

Deno.test("exchangeInfo filters parse into atoms; an unreadable value is no filter set at all", () => {
  assert.deepEqual(f, {
    minPrice: 1_000_000,
    maxPrice: 1_000_000 * E,
    tickSize: 1_000_000,
    minQty: 1_000,
    maxQty: 9_000 * E,
    stepSize: 1_000,
    marketMinQty: 0,
    marketMaxQty: 76 * E,
    marketStepSize: 0,
    minNotional: 5 * E,
    maxNotional: 9_000_000 * E,
    applyMinToMarket: true,
    applyMaxToMarket: false,
  });
  assert.equal(filtersFromExchangeInfo([{ ...BTCUSDT[0], tickSize: "0.01x" }]), null);
  assert.equal(filtersFromExchangeInfo([])!.minNotional, 0, "absent filters bound nothing");
});

Deno.test("failedFilter: the first filter an order fails, in exchangeInfo order, at the exact edges", () => {
  const cases: [string, FilterOrder, string | null][] = [
    ["on tick, on step, notional 6", limit(60_000, 0.0001), null],
    ["price between ticks", limit(60_000.005, 0.0001), "PRICE_FILTER"],
    ["price below minPrice", limit(0.001, 10), "PRICE_FILTER"],
    ["price above maxPrice", limit(1_000_000.01, 0.0001), "PRICE_FILTER"],
    ["quantity between steps", limit(60_000, 0.000015), "LOT_SIZE"],
    ["quantity above maxQty", limit(1, 9_000.00001), "LOT_SIZE"],
    ["both wrong: price first", limit(60_000.005, 0.000015), "PRICE_FILTER"],
    ["notional exactly 5", limit(50_000, 0.0001), null],
    ["notional 4.99999", limit(49_999.99, 0.0001), "NOTIONAL"],
    ["notional above 9M", limit(1_000_000, 9.00001), "NOTIONAL"],
  ];
  const market = (o: Partial<FilterOrder>): FilterOrder => ({
    type: "MARKET",
    price: null,
    quantity: null,
    quoteOrderQty: null,
    refPrice: null,
    ...o,
  });
  cases.push(
    ["MARKET above its own maxQty", market({ quantity: 77 * E }), "MARKET_LOT_SIZE"],
    ["MARKET quote 4.99", market({ quoteOrderQty: 4.99 * E }), "NOTIONAL"],
    ["MARKET quote 5", market({ quoteOrderQty: 5 * E }), null],
    ["MARKET qty, no reference price", market({ quantity: 1_000 }), null],
    ["MARKET qty at the reference price", market({ quantity: 1_000, refPrice: 60_000 * E }), "NOTIONAL"],
    ["MARKET above maxNotional (not applied)", market({ quoteOrderQty: 10_000_000 * E }), null],
  );
  for (const [what, o, want] of cases) assert.equal(failedFilter(f, o), want, what);
});
