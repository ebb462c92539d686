import assert from "node:assert/strict";
import { BTC, engine, order } from "../../../testing/sim_trading.ts";
import { accountPosition, executionReport } from "./user_events.ts";

Deno.test("executionReport and outboundAccountPosition for a fill and a cancel, field by field", () => {
  const s = BTC;
  const e = engine({
    slippageBps: 0,
  });
  e.onTrade({ symbol: "BTCUSDT", priceTicks: 6_100_000, sizeLots: 1, side: "buy", timeMs: 1 });
  const r = e.place("a", order({ clientOrderId: "c1", respType: "ACK" }), 2);
  assert.ok("order" in r);
  const [fill] = e.onTrade({
    symbol: "BTCUSDT",
    priceTicks: 6_000_000,
    sizeLots: 4_000,
    side: "sell",
    timeMs: 3,
  });
  assert.deepEqual(executionReport(s, fill, 2), {
    e: "executionReport",
    E: 3,
    s: "BTCUSDT",
    c: "c1",
    S: "BUY",
    o: "LIMIT",
    f: "GTC",
    q: "0.01000000",
    p: "60000.00000000",
    P: "0.00000000",
    F: "0.00000000",
    g: -1,
    C: "",
    x: "TRADE",
    X: "PARTIALLY_FILLED",
    r: "NONE",
    i: 1,
    l: "0.00400000",
    z: "0.00400000",
    L: "60000.00000000",
    n: "0.00000400",
    N: "BTC",
    T: 3,
    t: 1,
    I: 2,
    w: true,
    m: true,
    M: false,
    O: 2,
    Z: "240.00000000",
    Y: "240.00000000",
    Q: "0.00000000",
    W: 2,
    V: "EXPIRE_MAKER",
  });
  const c = e.cancel("a", "BTCUSDT", { orderId: 1 }, 4);
  assert.ok("events" in c);
  const rep = executionReport(s, { ...c.events[0], cancelClientId: "cancel-9" }, 3);
  assert.deepEqual([rep.x, rep.X, rep.c, rep.C, rep.l, rep.n, rep.N, rep.t, rep.w], [
    "CANCELED",
    "CANCELED",
    "cancel-9",
    "c1",
    "0.00000000",
    "0",
    null,
    -1,
    false,
  ]);
  assert.deepEqual(accountPosition(s, e.accounts.get("a")!, 4), {
    e: "outboundAccountPosition",
    E: 4,
    u: 4,
    B: [{ a: "BTC", f: "1.00399600", l: "0.00000000" }, { a: "USDT", f: "9760.00000000", l: "0.00000000" }],
  });
});
