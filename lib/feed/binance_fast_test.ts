import assert from "node:assert/strict";
import { mapBinance } from "../venues/binance.ts";
import { BinanceProtocol } from "../sim/binance_ws.ts";
import { MarketGenerator } from "../sim/market.ts";
import { fastBinanceTrade, withBinanceFastPath } from "./binance_fast.ts";
import { sharedVenueFixtures } from "../../testing/shared_fixtures.ts";

const SHARED = sharedVenueFixtures();

const T0 = 1_767_225_600_000;

function simFrames(combined: boolean): string[] {
  const gen = new MarketGenerator({
    seed: 3,
    startMs: T0,
    symbols: ["BTC-USDT", "ETH-USDT"],
    venues: ["binance"],
    tradeRate: 20,
  });
  const proto = new BinanceProtocol({ simNow: () => 0 } as never);
  const conn = { venue: "binance", combined } as never;
  return gen.advanceTo(T0 + 60_000).map((t) => proto.tradeFrame(conn, `trade|${t.inst.symbol}`, t).build());
}

/** The fast path either declines (null) or gives exactly the generic mapper's trade. */
function agrees(raw: string): "fast" | "declined" {
  const fast = fastBinanceTrade(raw, T0 + 7);
  if (fast === null) return "declined";
  const slow = mapBinance(raw, T0 + 7);
  assert.equal(slow.kind, "data", raw);
  assert.deepEqual(fast, slow.events[0], raw);
  return "fast";
}

Deno.test("fast path equals the generic mapper on every simulator trade frame, raw and combined", () => {
  for (const combined of [false, true]) {
    const frames = simFrames(combined);
    assert.ok(frames.length > 2000);
    for (const f of frames) assert.equal(agrees(f), "fast", f);
  }
});

Deno.test({
  name: "fast path on the shared Binance trade fixture (with b/a ids)",
  ignore: SHARED.ignore,
  fn: () => {
    SHARED.require();
    const text = Deno.readTextFileSync(`${SHARED.dir}/binance/trade.jsonl`);
    const frames = text.split("\n").filter((l) => l !== "");
    // The 2019 fixture's receive time is far from our test time: compare with its own time.
    for (const f of frames) {
      const fast = fastBinanceTrade(f, 1554076800945);
      assert.deepEqual(fast, mapBinance(f, 1554076800945).events[0]);
    }
  },
});

Deno.test("fast path declines anything outside the layout or any value the mapper refuses", () => {
  const good = simFrames(false)[0];
  const cases: [string, string][] = [
    ["NaN price", good.replace(/"p":"[^"]+"/, '"p":"NaN"')],
    ["negative size", good.replace(/"q":"[^"]+"/, '"q":"-1"')],
    ["zero price", good.replace(/"p":"[^"]+"/, '"p":"0.00000000"')],
    ["exponent", good.replace(/"p":"[^"]+"/, '"p":"1e3"')],
    ["truncated", good.slice(0, good.length >> 1)],
    ["extra field", good.replace(/}$/, ',"x":1}')],
    ["reordered", good.replace('"e":"trade","E":', '"E":1,"e":"trade","E":')],
    ["µs time", good.replace(/"T":(\d+)/, (_, d) => `"T":${d}000`)],
    ["leading zero id", good.replace(/"t":(\d+)/, '"t":0$1')],
    ["id above 2^53", good.replace(/"t":(\d+)/, '"t":90071992547409931')],
    ["unknown symbol", good.replace(/"s":"[A-Z]+"/, '"s":"XYZ"')],
    [
      "escaped symbol",
      good.replace(/"s":"BTCUSDT"/, '"s":"BTC\\u0055SDT"').replace(/"s":"ETHUSDT"/, '"s":"ETH\\u0055SDT"'),
    ],
    ["maker not a bool", good.replace(/"m":(true|false)/, '"m":1')],
    ["aggTrade", good.replace('"e":"trade"', '"e":"aggTrade"')],
  ];
  for (const [name, raw] of cases) {
    assert.notEqual(raw, good, name);
    assert.equal(fastBinanceTrade(raw, T0 + 7), null, name);
    // Through the wrapper they get the generic mapper's verdict.
    assert.deepEqual(withBinanceFastPath(mapBinance)(raw, T0 + 7), mapBinance(raw, T0 + 7), name);
  }
  assert.equal(withBinanceFastPath(mapBinance)("{not json", 1).reason, "malformed_json");
});

Deno.test("fast path at the digit-count edges of ids, prices and times, and outside plain ASCII", () => {
  const good = simFrames(false)[0];
  const taken: [string, string][] = [
    ["15-digit id", good.replace(/"t":(\d+)/, '"t":999999999999999')],
    ["9-digit id", good.replace(/"t":(\d+)/, '"t":123456789')],
    ["id 0", good.replace(/"t":(\d+)/, '"t":0')],
    ["15 significant digits", good.replace(/"p":"[^"]+"/, '"p":"123456.789012345"')],
    ["10 digits, no fraction", good.replace(/"p":"[^"]+"/, '"p":"1234567890"')],
    ["leading zeros in a fraction", good.replace(/"q":"[^"]+"/, '"q":"0.00000000000001"')],
    ["b and a ids", good.replace(/,"T":/, ',"b":88,"a":1234567890123,"T":')],
  ];
  for (const [name, raw] of taken) {
    assert.notEqual(raw, good, name);
    assert.equal(agrees(raw), "fast", name);
  }
  const declined: [string, string][] = [
    ["16-digit id", good.replace(/"t":(\d+)/, '"t":1000000000000000')],
    ["16 significant digits", good.replace(/"p":"[^"]+"/, '"p":"1234567.789012345"')],
    ["two dots", good.replace(/"p":"[^"]+"/, '"p":"1.2.3"')],
    [
      "non-ASCII symbol",
      good.replace(/"s":"BTCUSDT"/, '"s":"BTCÜSDT"').replace(/"s":"ETHUSDT"/, '"s":"ETHÜSDT"'),
    ],
    ["longer than the scan buffer", `{"stream":"${"x".repeat(70_000)}@trade","data":${good}}`],
  ];
  for (const [name, raw] of declined) {
    assert.notEqual(raw, good, name);
    assert.equal(fastBinanceTrade(raw, T0 + 7), null, name);
    assert.deepEqual(withBinanceFastPath(mapBinance)(raw, T0 + 7), mapBinance(raw, T0 + 7), name);
  }
  // A new symbol of the same length gets its own cache entry; the known one still maps to itself.
  assert.equal(agrees(good.replace(/"s":"[A-Z]+"/, '"s":"XXXUSDT"')), "fast");
  assert.equal(agrees(good), "fast");
});
