import assert from "node:assert/strict";
import { ManualWall } from "../clock.ts";
import type { SimTrade } from "../market.ts";
import { VenueSim } from "../venue_sim.ts";
import { MatchingEngine } from "./engine.ts";
import { matchTrade } from "./sim_trades.ts";
import { spotSymbol } from "./symbols.ts";
import type { OrderEvent } from "./types.ts";

Deno.test("the simulator's own Binance trades drive the engine: a resting buy fills on the first sell print", () => {
  const wall = new ManualWall(1_700_000_000_000);
  const delivered: SimTrade[] = [];
  const seen: OrderEvent[] = [];
  let ctx: { engine: MatchingEngine; truth: null; onEvents: (e: readonly OrderEvent[]) => void } | null =
    null;
  const sim = new VenueSim({
    seed: 7,
    startSimMs: 1_700_000_000_000,
    speed: 1,
    symbols: ["BTC-USDT"],
    venues: ["binance", "okx"],
    tradeRate: 5,
    wallNow: wall.now,
    onTrade: (t) => {
      delivered.push(t);
      if (ctx) matchTrade(ctx, t);
    },
  });
  const engine = new MatchingEngine({
    symbols: sim.instruments.map((i) => spotSymbol(i)),
    accounts: { a: { balances: { USDT: 1e12 }, makerRate: 0, takerRate: 0 } },
    slippageBps: 0,
    takerLiquidity: "unlimited",
  });
  ctx = { engine, truth: null, onEvents: (e) => seen.push(...e) };
  // Before any print nothing is marketable: a buy far above the market rests, then the first Binance
  // sell print reaches it.
  const r = engine.place("a", {
    symbol: "BTCUSDT",
    side: "BUY",
    type: "LIMIT",
    timeInForce: "GTC",
    priceTicks: 7_000_000,
    qtyLots: 1,
    quoteOrderQtyAtoms: 0,
    clientOrderId: "hook",
    respType: "ACK",
  }, 1_700_000_000_000);
  assert.ok("order" in r);
  wall.advance(10_000);
  sim.tick();
  const firstSell = delivered.find((t) => t.venue === "binance" && t.side === "sell");
  assert.ok(firstSell, "ten simulated seconds at 5 trades/s hold a Binance sell print");
  assert.ok(delivered.some((t) => t.venue === "okx"), "other venues' trades are delivered too");
  assert.deepEqual(seen.map((e) => [e.execType, e.order.status, e.fill?.time, e.fill?.priceTicks]), [
    ["TRADE", "FILLED", firstSell.timeMs, 7_000_000],
  ]);
  const lastBinance = delivered.filter((t) => t.venue === "binance").at(-1)!;
  assert.equal(engine.lastPrice("BTCUSDT"), lastBinance.priceTicks);
});
