#!/usr/bin/env -S deno run -A
// Paper matching throughput (issue 11 target: >= 500,000 trades/s with 1,000 resting orders on one
// core): the simulator's own Binance BTCUSDT trades replayed through MatchingEngine.onTrade against a
// dense book that follows the market like a market maker's: 500 bids and 500 asks of 0.01 BTC (a median
// print is 0.014 BTC), each 1..WINDOW ticks from a moving mid (an EMA of the prints), where the prints
// land, so a large share of prints fill something. Replenished inside the timed loop: an order a print
// filled is placed anew right after the next print (placed at once it would have to rest below the very
// print that filled it, and the book would walk away from the market), and a side's worst order, once
// the mid has moved 2 windows from it, is cancelled and requoted. The result line says how few orders
// ever rested and how many were requoted. Beside it, in the same run, the floor: a bare loop over the
// same prints that only compares each with a best bid/ask and sums what crossed.
// The book's width decides how often a print reaches an order, so the run is a table over three widths:
// ±6 USDT (most prints fill something: a stress case far denser than a paper bot's book), ±60 and ±600 USDT.
// Run: ./tp bench --only matching   (or deno run -A bench/sim_matching_bench.ts [trades] [window-ticks,...])
import { venueSymbol } from "../lib/sim/instruments.ts";
import { MarketGenerator } from "../lib/sim/market.ts";
import { MatchingEngine } from "../lib/sim/trading/engine.ts";
import { spotSymbol } from "../lib/sim/trading/symbols.ts";
import type { NewOrder, OrderSide, Print } from "../lib/sim/trading/types.ts";
import { mulberry32 } from "../lib/util/mulberry32.ts";
import type { BenchRow } from "./bench_row.ts";

const N = Number(Deno.args[0] ?? 1_000_000);
// Ticks of 0.01 USDT: seed 3's Binance prints land within ~±700 ticks of their moving mid (p99).
const WINDOWS = (Deno.args[1] ?? "600,6000,60000").split(",").map(Number);
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

interface Result {
  ms: number;
  matched: number;
  fills: number;
  open: number;
  fewest: number;
  requoted: number;
  refused: number;
}

/** One timed pass over the prints with 1,000 orders resting 1..window ticks from the moving mid. */
function scenario(window: number): Result {
  const e = new MatchingEngine({
    symbols: [sym],
    // Large enough for any drift of this run, small enough for exact integer atoms.
    accounts: { a: { balances: { USDT: 5e15, BTC: 5e13 }, makerRate: 100_000, takerRate: 200_000 } },
    slippageBps: 0,
    takerLiquidity: "unlimited",
  });
  const rng = mulberry32(11);
  /** A resting order 1..window ticks from `mid` on its side, never marketable against the `last` print. */
  const near = (side: OrderSide, mid: number, last: number): NewOrder => {
    const d = 1 + Math.floor(rng() * window);
    return {
      symbol: sym.name,
      side,
      type: "LIMIT",
      timeInForce: "GTC",
      priceTicks: side === "BUY" ? Math.min(mid - d, last - 1) : Math.max(mid + d, last + 1),
      qtyLots: 10_000, // 0.01 BTC: a median print (0.014 BTC) fills one or two
      quoteOrderQtyAtoms: 0,
      clientOrderId: null,
      respType: "ACK",
    };
  };
  let refused = 0, requoted = 0;
  const place = (o: NewOrder, time: number) => {
    const r = e.place("a", o, time);
    if ("code" in r) refused++;
    else if (r.fills.length > 0) throw new Error("a replacement order took: the book would not stay resting");
  };
  const first = prints[0].priceTicks;
  for (let i = 0; i < RESTING; i++) place(near(i % 2 === 0 ? "BUY" : "SELL", first, first), 0);
  const book = e.books.of(sym.name);

  let fills = 0, matched = 0, mid = first, fewest = RESTING;
  /** Sides of the orders the last print filled, replaced after the next one (see the header). */
  let refill: OrderSide[] = [];
  const t0 = performance.now();
  for (const p of prints) {
    const events = e.onTrade(p);
    if (events.length > 0) matched++;
    // The quoting mid follows the prints (an EMA over ~100 of them, so one print's noise does not move it).
    mid = Math.round(mid + (p.priceTicks - mid) / 100);
    for (const side of refill) place(near(side, mid, p.priceTicks), p.timeMs);
    refill = [];
    for (const ev of events) {
      fills++;
      if (ev.order.status === "FILLED") refill.push(ev.order.side);
    }
    if (refill.length > 0) fewest = Math.min(fewest, book.BUY.orders.length + book.SELL.orders.length);
    // A side the market moved away from is requoted: its worst order, once beyond 2 windows, comes in.
    for (const side of ["BUY", "SELL"] as const) {
      const worst = book[side].orders.at(-1);
      if (!worst || Math.abs(worst.priceTicks - mid) <= 2 * window) continue;
      e.cancel("a", sym.name, { orderId: worst.orderId }, p.timeMs);
      place(near(side, mid, p.priceTicks), p.timeMs);
      requoted++;
    }
  }
  for (const side of refill) place(near(side, mid, prints[N - 1].priceTicks), prints[N - 1].timeMs);
  const ms = performance.now() - t0;
  const open = e.orders.of("a", sym.name, true).length;
  return { ms, matched, fills, open, fewest, requoted, refused };
}

// The floor: the same prints, each compared with a best bid/ask that follows the market, sizes summed.
let bid = prints[0].priceTicks - 1, ask = prints[0].priceTicks + 1, crossedLots = 0;
const f0 = performance.now();
for (const p of prints) {
  if (p.side === "sell" ? p.priceTicks <= bid : p.priceTicks >= ask) crossedLots += p.sizeLots;
  bid = p.priceTicks - 1;
  ask = p.priceTicks + 1;
}
const floorMs = performance.now() - f0;

const rows: BenchRow[] = [];
for (const window of WINDOWS) {
  const r = scenario(window);
  const rate = Math.round(N / (r.ms / 1000));
  const usdt = (window / 100).toLocaleString("en-US");
  console.log(
    `book ±${usdt} USDT: ${N} trades in ${r.ms.toFixed(0)} ms: ${r.matched} matched ` +
      `(${
        (r.matched / N * 100).toFixed(1)
      }%), ${r.fills} fills, ${r.open} orders resting at the end, never ` +
      `fewer than ${r.fewest} (${r.requoted} requoted, ${r.refused} refused)`,
  );
  rows.push(
    {
      name: `matching trades/s, book ±${usdt} USDT`,
      value: rate,
      unit: "trades/s",
      target: `>= ${TARGET}`,
      ok: rate >= TARGET && r.open === RESTING,
    },
    {
      name: `  prints that filled an order (±${usdt})`,
      value: r.matched / N * 100,
      unit: "%",
      target: "-",
      ok: true,
    },
    {
      name: `  fills/s (±${usdt})`,
      value: Math.round(r.fills / (r.ms / 1000)),
      unit: "fills/s",
      target: "-",
      ok: true,
    },
  );
}
console.log(`floor loop ${floorMs.toFixed(1)} ms (${crossedLots} lots crossed)`);
rows.push({
  name: "floor: bare loop over the prints",
  value: Math.round(N / (floorMs / 1000)),
  unit: "trades/s",
  target: "-",
  ok: true,
});
for (const r of rows) {
  const v = r.unit === "%" ? r.value.toFixed(1) : String(r.value);
  console.log(
    `${r.name.padEnd(36)} ${v.padStart(12)} ${r.unit}  target ${r.target}  ${r.ok ? "met" : "NOT met"}`,
  );
}
