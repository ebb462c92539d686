import assert from "node:assert/strict";
import { instrument } from "../instruments.ts";
import { spotSymbol } from "./symbols.ts";
import { validateNewOrder } from "./validate.ts";

const BTC = spotSymbol(instrument("BTC-USDT"));
const symbols = new Map([[BTC.name, BTC]]);
const last = () => 6_000_000; // 60000.00

function check(q: string) {
  return validateNewOrder(new URLSearchParams(q), symbols, last);
}
const LIMIT = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC";

Deno.test("a valid LIMIT becomes ticks and lots with Binance's default response type", () => {
  assert.deepEqual(check(`${LIMIT}&quantity=0.01000000&price=60000.01&newClientOrderId=my-id_1`), {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    priceTicks: 6_000_001,
    qtyLots: 10_000,
    quoteOrderQtyAtoms: 0,
    clientOrderId: "my-id_1",
    respType: "FULL",
  });
  const maker = check("symbol=BTCUSDT&side=SELL&type=LIMIT_MAKER&quantity=0.001&price=61000");
  assert.equal((maker as { respType: string }).respType, "ACK");
  const mkt = check("symbol=BTCUSDT&side=BUY&type=MARKET&quoteOrderQty=100");
  assert.equal((mkt as { quoteOrderQtyAtoms: number }).quoteOrderQtyAtoms, 10_000_000_000);
});

Deno.test("every refusal has Binance's exact code and message", () => {
  const cases: [string, number, string][] = [
    ["side=BUY", -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."],
    ["symbol=FOOBAR&side=BUY", -1121, "Invalid symbol."],
    ["symbol=BTCUSDT&side=UP&type=LIMIT", -1117, "Invalid side."],
    ["symbol=BTCUSDT&side=BUY&type=STOP", -1116, "Invalid orderType."],
    [
      "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=1",
      -1102,
      "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed.",
    ],
    ["symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTD", -1115, "Invalid timeInForce."],
    [
      "symbol=BTCUSDT&side=BUY&type=LIMIT_MAKER&timeInForce=GTC",
      -1106,
      "Parameter 'timeInForce' sent when not required.",
    ],
    [`${LIMIT}&quantity=0.01&price=60000&newClientOrderId=`, -1118, "New client order ID was empty."],
    [
      `${LIMIT}&quantity=0.01&price=60000&newClientOrderId=a%20b`,
      -1100,
      "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[a-zA-Z0-9-_]{1,36}$'.",
    ],
    [
      `${LIMIT}&quantity=0.01&price=6e4`,
      -1100,
      "Illegal characters found in parameter 'price'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.",
    ],
    [`${LIMIT}&quantity=0.01&price=60000.000000001`, -1111, "Parameter 'price' has too much precision."],
    [
      `${LIMIT}&quantity=0.01`,
      -1102,
      "Mandatory parameter 'price' was not sent, was empty/null, or malformed.",
    ],
    [`${LIMIT}&quantity=0.01&price=60000.001`, -1013, "Filter failure: PRICE_FILTER"],
    [`${LIMIT}&quantity=0.01&price=0`, -1013, "Filter failure: PRICE_FILTER"],
    [`${LIMIT}&quantity=0.0000001&price=60000`, -1013, "Filter failure: LOT_SIZE"],
    [`${LIMIT}&quantity=10000&price=60000`, -1013, "Filter failure: LOT_SIZE"],
    [`${LIMIT}&quantity=0.00008&price=60000`, -1013, "Filter failure: NOTIONAL"],
    ["symbol=BTCUSDT&side=BUY&type=MARKET&quantity=0.00008", -1013, "Filter failure: NOTIONAL"],
    ["symbol=BTCUSDT&side=BUY&type=MARKET&quoteOrderQty=4.99", -1013, "Filter failure: NOTIONAL"],
    [
      "symbol=BTCUSDT&side=BUY&type=MARKET&price=1&quantity=1",
      -1106,
      "Parameter 'price' sent when not required.",
    ],
    [
      "symbol=BTCUSDT&side=BUY&type=MARKET&quantity=1&quoteOrderQty=1",
      -1106,
      "Parameter 'quoteOrderQty' sent when not required.",
    ],
    [
      "symbol=BTCUSDT&side=BUY&type=MARKET",
      -1102,
      "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.",
    ],
  ];
  const got = cases.map(([q]) => {
    const r = check(q) as { code?: number; msg?: string };
    return [q, r.code, r.msg];
  });
  assert.deepEqual(got, cases);
});
