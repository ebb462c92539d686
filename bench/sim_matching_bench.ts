// Paper matching throughput (issue 11 target: >= 500,000 trades/s with 1,000 resting orders on one
// core): the simulator's own Binance BTCUSDT trades replayed through MatchingEngine.onTrade with
// 1,000 limits resting around the market, 1 bp apart. A filled order is placed again at its price;
// where the market has moved through it, that one takes at once, so the book thins a little (the
// result line says how many still rest at the end).
// Run: tools/deno/node_modules/.bin/deno run -A bench/sim_matching_bench.ts [trades]
import { venueSymbol } from "../lib/sim/instruments.ts";
import { MarketGenerator } from "../lib/sim/market.ts";
import { MatchingEngine } from "../lib/sim/trading/engine.ts";
import { spotSymbol } from "../lib/sim/trading/symbols.ts";
import type { NewOrder, Print } from "../lib/sim/trading/types.ts";
import type { BenchRow } from "./bench_row.ts";

const N = Number(Deno.args[0] ?? 1_000_000);
const RESTING = 1000;
const TARGET = 500_000;

const gen = new MarketGenerator({
  seed: 3,
  startMs: 1_700_000_000_000,
  symbols: ["BTC-USDT"],
  venues: ["binance"],
  tradeRate: 500,
});
const prints: Print[] = [];
while (prints.length < N) {
  for (const t of gen.advanceTo(gen.generatedUntilMs + 10_000)) {
    prints.push({
      symbol: venueSymbol("binance", t.inst),
      priceTicks: t.priceTicks,
      sizeLots: t.sizeLots,
      side: t.side,
      timeMs: t.timeMs,
    });
  }
}
prints.length = N;

const sym = spotSymbol(gen.instruments[0]);
const e = new MatchingEngine({
  symbols: [sym],
  accounts: { a: { balances: { USDT: 1e15, BTC: 1e13 }, makerRate: 100_000, takerRate: 200_000 } },
  slippageBps: 0,
  takerLiquidity: "unlimited",
});
const mid = prints[0].priceTicks;
/** The i-th resting order: bids below and asks above the first print, 1 bp apart. */
const nth = (i: number): NewOrder => {
  const k = Math.floor(i / 2) + 1, buy = i % 2 === 0;
  return {
    symbol: sym.name,
    side: buy ? "BUY" : "SELL",
    type: "LIMIT",
    timeInForce: "GTC",
    priceTicks: Math.round(mid * (1 + (buy ? -k : k) * 1e-4)),
    qtyLots: 1000,
    quoteOrderQtyAtoms: 0,
    clientOrderId: null,
    respType: "ACK",
  };
};
const byOrder = new Map<number, number>();
for (let i = 0; i < RESTING; i++) {
  const r = e.place("a", nth(i), 0);
  if ("code" in r) throw new Error(`seed order refused: ${r.msg}`);
  byOrder.set(r.order.orderId, i);
}

let fills = 0;
const t0 = performance.now();
for (const p of prints) {
  const events = e.onTrade(p);
  for (const ev of events) {
    fills++;
    if (ev.order.status !== "FILLED") continue;
    const i = byOrder.get(ev.order.orderId)!;
    const r = e.place("a", nth(i), p.timeMs); // may take at once if the market moved through it
    if (!("code" in r)) byOrder.set(r.order.orderId, i);
  }
}
const ms = performance.now() - t0;
const rate = Math.round(N / (ms / 1000));
const open = e.orders.of("a", sym.name, true).length;
console.log(`${N} trades in ${ms.toFixed(0)} ms, ${fills} fills, ${open} orders resting at the end`);
const row: BenchRow = {
  name: "matching trades/s (1,000 resting)",
  value: rate,
  unit: "trades/s",
  target: `>= ${TARGET}`,
  ok: rate >= TARGET,
};
console.log(`${row.name}: ${row.value} ${row.unit} (target ${row.target}) ${row.ok ? "met" : "NOT met"}`);
