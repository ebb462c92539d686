// The trading simulator on the simulator's own port, over real HTTP and a real WebSocket on loopback:
// the private REST and WebSocket API answer beside the public routes, and an order placed over the
// WebSocket API fills on the simulator's own Binance trades, reported on the user data stream.
import assert from "node:assert/strict";
import { waitFor, withDeadline } from "../lib/async/poll.ts";
import { ManualWall } from "../lib/sim/clock.ts";
import type { SimTrade } from "../lib/sim/market.ts";
import { PRIVATE_WS_PATH } from "../lib/sim/sim_server.ts";
import { formatAtoms } from "../lib/sim/trading/decimal.ts";
import { hmacHex, wsPayload } from "../lib/sim/trading/signing.ts";
import { startTradingSim } from "../testing/trading_sim.ts";

const KEY = "e".repeat(60) + "2e2e", SECRET = "loopback-secret";
const START = 1_767_225_600_000;

Deno.test("trading simulator on the sim port: REST beside klines, WS API order filled by the sim's trades", async () => {
  const wall = new ManualWall(1_000_000);
  let firstSell: SimTrade | null = null;
  const { sim, server, close } = await startTradingSim({
    key: KEY,
    secret: SECRET,
    sim: { seed: 7, startSimMs: START, wallNow: wall.now },
    onTrade: (t) => {
      if (!firstSell && t.side === "sell") firstSell = t;
    },
  });
  const base = `http://127.0.0.1:${server.port}`;
  const frames: {
    id?: unknown;
    status?: number;
    result?: Record<string, unknown>;
    event?: Record<string, unknown>;
  }[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}${PRIVATE_WS_PATH}`);
  ws.onmessage = (e) => frames.push(JSON.parse(e.data));
  const opened = new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  try {
    const info = await fetch(`${base}/binance/api/v3/exchangeInfo`);
    assert.deepEqual([info.status, (await info.json()).symbols.map((s: { symbol: string }) => s.symbol)], [
      200,
      ["BTCUSDT"],
    ]);
    const klines = await fetch(`${base}/binance/api/v3/klines?symbol=BTCUSDT&interval=1m`);
    assert.equal(klines.status, 200, "the public REST routes still answer");
    await klines.body?.cancel();
    await withDeadline("the WebSocket API connection", opened);
    const send = (id: number, method: string, params: Record<string, unknown>) => {
      const p = { ...params, apiKey: KEY, timestamp: sim.clock.nowMs() };
      ws.send(JSON.stringify({ id, method, params: { ...p, signature: hmacHex(SECRET, wsPayload(p)) } }));
    };
    send(1, "userDataStream.subscribe.signature", {});
    // No trade yet, so nothing is marketable: a buy above the market rests until the first sell print.
    send(2, "order.place", {
      symbol: "BTCUSDT",
      side: "BUY",
      type: "LIMIT",
      timeInForce: "GTC",
      quantity: "0.0001",
      price: "70000",
      newClientOrderId: "e2e-1",
    });
    await waitFor("the order's NEW report", () => frames.some((f) => f.event?.x === "NEW"));
    assert.deepEqual(frames.slice(0, 2).map((f) => [f.id, f.status]), [[1, 200], [2, 200]]);
    wall.advance(10_000);
    sim.tick();
    await waitFor("the order's TRADE report", () => frames.some((f) => f.event?.x === "TRADE"));
    const trade = frames.find((f) => f.event?.x === "TRADE")!;
    // Capped at the print: 100 lots (0.0001 BTC) or the first sell print's size if smaller.
    const lots = Math.min(100, firstSell!.sizeLots);
    assert.deepEqual([trade.event!.X, trade.event!.L, trade.event!.l, trade.event!.m, trade.event!.T], [
      lots === 100 ? "FILLED" : "PARTIALLY_FILLED",
      "70000.00000000",
      formatAtoms(lots * 100), // a BTCUSDT lot is 0.000001 BTC = 100 atoms
      true,
      firstSell!.timeMs,
    ]);
    const q = `symbol=BTCUSDT&origClientOrderId=e2e-1&timestamp=${sim.clock.nowMs()}`;
    const got = await fetch(`${base}/binance/api/v3/order?${q}&signature=${hmacHex(SECRET, q)}`, {
      headers: { "X-MBX-APIKEY": KEY },
    });
    assert.deepEqual([got.status, (await got.json()).clientOrderId], [200, "e2e-1"]);
  } finally {
    ws.close();
    await close();
  }
});
