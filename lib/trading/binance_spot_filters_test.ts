// The connector's local filter check against the venue simulator (testing/trading_sim.ts): once
// loadFilters() read exchangeInfo, an order the venue would refuse with -1013 is refused in the
// process (code null, nothing sent), with the same filter name the venue gives; the rest still go out.
import assert from "node:assert/strict";
import { startTradingSim } from "../../testing/trading_sim.ts";
import { instrument } from "../sim/instruments.ts";
import { DEFAULT_LIMITS, spotSymbol } from "../sim/trading/symbols.ts";
import { parseExchangeFilters } from "./binance_parse.ts";
import { BinanceSpot } from "./binance_spot.ts";
import { ApiCredentials } from "./credentials.ts";
import type { OrderRequest } from "./venue.ts";

const KEY = "filtersKey0123456789filtersKey0123456789filtersKey0123456789abcd";
const SECRET = "filters-secret";

function connector(port: number): BinanceSpot {
  return new BinanceSpot(
    { rest: { baseUrl: `http://127.0.0.1:${port}/binance` }, userStream: { wsApiUrl: "ws://127.0.0.1:1/x" } },
    new ApiCredentials(KEY, SECRET),
    {
      rest: { fetch, now: () => Date.now() },
      userStream: { connect: (u) => new WebSocket(u), now: () => Date.now() },
    },
  );
}

const order = (id: string, price: string, quantity: string): OrderRequest => ({
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  clientOrderId: id,
  price,
  quantity,
});

Deno.test("filters from exchangeInfo: what the venue refuses with -1013 is refused locally, never sent", async () => {
  const t = await startTradingSim({ key: KEY, secret: SECRET, sim: { startSimMs: Date.now() } });
  try {
    const plain = connector(t.server.port), checked = connector(t.server.port);
    assert.deepEqual(await checked.loadFilters(), { kind: "confirmed", value: { symbols: 1, skipped: [] } });
    // BTCUSDT on the simulator: tick 0.01, step 0.000001, notional 5 .. 9,000,000.
    const orders = [
      order("tick", "1000.005", "0.01"),
      order("step", "1000", "0.0100005"),
      order("small", "1000", "0.004999"),
      order("big", "1000000", "9.000001"),
      order("ok", "1000", "0.005"),
    ];
    const brief = (o: Awaited<ReturnType<BinanceSpot["place"]>>) =>
      o.kind === "rejected" ? `${o.code} ${o.msg}${o.local ? " local" : ""}` : o.kind;
    const venue = [], local = [];
    for (const o of orders) {
      venue.push(brief(await plain.place({ ...o, clientOrderId: `v-${o.clientOrderId}` })));
    }
    const sentBefore = t.restCalls.filter((c) => c === "POST /binance/api/v3/order").length;
    for (const o of orders) {
      local.push(brief(await checked.place({ ...o, clientOrderId: `l-${o.clientOrderId}` })));
    }
    assert.deepEqual(venue, [
      "-1013 Filter failure: PRICE_FILTER",
      "-1013 Filter failure: LOT_SIZE",
      "-1013 Filter failure: NOTIONAL",
      "-1013 Filter failure: NOTIONAL",
      "confirmed",
    ]);
    assert.deepEqual(local, [
      "null Filter failure: PRICE_FILTER (checked locally, not sent) local",
      "null Filter failure: LOT_SIZE (checked locally, not sent) local",
      "null Filter failure: NOTIONAL (checked locally, not sent) local",
      "null Filter failure: NOTIONAL (checked locally, not sent) local",
      "confirmed",
    ]);
    const sentAfter = t.restCalls.filter((c) => c === "POST /binance/api/v3/order").length;
    assert.equal(sentAfter - sentBefore, 1, "only the order that passes left the process");
    // A malformed decimal is not the filters' to judge: it goes out and the venue names the problem.
    const bad = await checked.place(order("l-bad", "1,000", "0.01"));
    assert.deepEqual(bad.kind === "rejected" && [bad.code, bad.reason], [-1100, "bad_request"]);
    assert.equal(t.restCalls.filter((c) => c === "POST /binance/api/v3/order").length, sentAfter + 1);
  } finally {
    await t.close();
  }
});

const symbolEntry = (symbol: string, maxPrice: string, maxQty: string, tickSize = "0.01000000") => ({
  symbol,
  filters: [
    { filterType: "PRICE_FILTER", minPrice: "0.01000000", maxPrice, tickSize },
    { filterType: "LOT_SIZE", minQty: "1.00000000", maxQty, stepSize: "1.00000000" },
  ],
});

Deno.test("exchangeInfo: a maximum too large for atoms is no maximum; an unreadable symbol is skipped, not the load", () => {
  const out = parseExchangeFilters({
    symbols: [
      symbolEntry("PEPEUSDT", "92141578.00000000", "92233720368.00000000"),
      symbolEntry("BADUSDT", "1000.00000000", "10.00000000", "0.01x"),
      symbolEntry("HUGETICK", "1000.00000000", "10.00000000", "92233720368.00000000"),
      symbolEntry("BTCUSDT", "1000000.00000000", "9000.00000000"),
    ],
  });
  const pepe = out.filters.get("PEPEUSDT")!;
  assert.deepEqual([pepe.maxPrice, pepe.maxQty, pepe.minQty, pepe.tickSize], [0, 0, 100_000_000, 1_000_000]);
  assert.deepEqual(
    [out.filters.get("BTCUSDT")!.maxPrice, out.filters.get("BTCUSDT")!.maxQty],
    [100_000_000_000_000, 900_000_000_000],
  );
  assert.deepEqual([...out.filters.keys()], ["PEPEUSDT", "BTCUSDT"]);
  const why = "a filter value is not a decimal atoms can hold";
  assert.deepEqual(out.skipped, [{ symbol: "BADUSDT", why }, { symbol: "HUGETICK", why }]);
});

Deno.test("filters went stale: a -1013 the local check let through reloads them once, the outcome stays the venue's", async () => {
  const btc = instrument("BTC-USDT");
  // Yesterday the venue allowed notional up to 90,000,000; today 9,000,000 (the simulator's filters
  // are fixed at start, so the change is two simulators: the first exchangeInfo is read from the old one).
  const old = await startTradingSim({
    key: KEY,
    secret: SECRET,
    sim: { startSimMs: Date.now() },
    venue: () => ({ symbols: [spotSymbol(btc, { ...DEFAULT_LIMITS, maxNotional: 90_000_000 })] }),
  });
  const t = await startTradingSim({ key: KEY, secret: SECRET, sim: { startSimMs: Date.now() } });
  const sent: string[] = [];
  let infos = 0;
  const routed: typeof fetch = (input, init) => {
    const url = new URL(String(input));
    sent.push(`${init?.method ?? "GET"} ${url.pathname.replace(/^\/binance/, "")}`);
    if (url.pathname.endsWith("/exchangeInfo") && infos++ === 0) url.port = String(old.server.port);
    return fetch(url, init);
  };
  try {
    let now = 5_000_000;
    const spot = new BinanceSpot(
      {
        rest: { baseUrl: `http://127.0.0.1:${t.server.port}/binance` },
        userStream: { wsApiUrl: "ws://127.0.0.1:1/x" },
      },
      new ApiCredentials(KEY, SECRET),
      {
        rest: { fetch: routed, now: () => now }, // the connector's own clock: the venue's is learnt by sync
        userStream: { connect: (u) => new WebSocket(u), now: () => Date.now() },
      },
    );
    assert.equal(spot.filtersAgeMs(), null, "nothing loaded yet");
    assert.equal((await spot.loadFilters()).kind, "confirmed");
    now += 7_000;
    assert.equal(spot.filtersAgeMs(), 7_000);
    const big = order("big-1", "1000000", "9.000001");
    assert.deepEqual(await spot.place(big), {
      kind: "rejected",
      reason: "filter",
      code: -1013,
      msg: "Filter failure: NOTIONAL",
      httpStatus: 400,
    });
    assert.deepEqual(sent.filter((x) => x.startsWith("GET /api/v3/exchangeInfo")).length, 2, "reloaded once");
    assert.equal(spot.filtersAgeMs(), 0, "the reload is the filters' new age");
    const again = await spot.place({ ...big, clientOrderId: "big-2" });
    assert.equal(
      again.kind === "rejected" && `${again.code} ${again.local}`,
      "null true",
      "now refused here",
    );
    assert.equal(sent.filter((x) => x === "POST /api/v3/order").length, 1);
    assert.equal(
      sent.filter((x) => x.startsWith("GET /api/v3/exchangeInfo")).length,
      2,
      "no reload on a local refusal",
    );
  } finally {
    await t.close();
    await old.close();
  }
});
