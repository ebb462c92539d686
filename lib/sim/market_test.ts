import assert from "node:assert/strict";
import { generateTrades, type MarketConfig, MarketGenerator, tradePrice } from "./market.ts";

const CFG: MarketConfig = {
  seed: 42,
  startMs: 1_767_225_600_000,
  symbols: ["BTC-USDT", "ETH-USDT"],
  venues: ["binance", "bybit", "okx", "kraken"],
  tradeRate: 1,
};
const key = (
  t: { venue: string; tradeId: string; priceTicks: number; sizeLots: number; side: string; timeMs: number },
) => `${t.venue}|${t.tradeId}|${t.priceTicks}|${t.sizeLots}|${t.side}|${t.timeMs}`;

Deno.test("generateTrades is a pure function of (seed, range): exact count and identical trades", () => {
  const a = generateTrades(CFG, CFG.startMs + 60_000);
  const b = generateTrades(CFG, CFG.startMs + 60_000);
  assert.equal(a.length, 497);
  assert.deepEqual(a.map(key), b.map(key));
  assert.notDeepEqual(generateTrades({ ...CFG, seed: 43 }, CFG.startMs + 60_000).map(key), a.map(key));
});

Deno.test("chunking the simulated clock does not change the trades", () => {
  const whole = generateTrades(CFG, CFG.startMs + 30_000);
  const g = new MarketGenerator(CFG);
  const parts = [];
  for (const step of [1, 999, 1, 7_000, 333, 12_345, 30_000]) parts.push(...g.advanceTo(CFG.startMs + step));
  assert.deepEqual(parts.filter((t) => t.timeMs < CFG.startMs + 30_000).map(key), whole.map(key));
});

Deno.test("trades are time-ordered, ids contiguous per venue and symbol, prices near the shared mid", () => {
  const ts = generateTrades(CFG, CFG.startMs + 600_000);
  for (let i = 1; i < ts.length; i++) assert.ok(ts[i].timeMs >= ts[i - 1].timeMs);
  const last = new Map<string, number>();
  for (const t of ts) {
    const k = `${t.venue}|${t.inst.symbol}`;
    if (last.has(k)) assert.equal(t.idNum, last.get(k)! + 1, k);
    last.set(k, t.idNum);
  }
  const btc = ts.filter((t) => t.inst.symbol === "BTC-USDT").map(tradePrice);
  assert.ok(Math.min(...btc) > 55_000 && Math.max(...btc) < 65_000);
  // Cross-venue divergence: small (a few bp) but nonzero.
  const sameSecond = (v: string) =>
    ts.filter((t) => t.venue === v && t.inst.symbol === "BTC-USDT" && t.timeMs < CFG.startMs + 60_000).map(
      tradePrice,
    );
  const avg = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  const gap = Math.abs(avg(sameSecond("binance")) - avg(sameSecond("okx"))) / 60_000;
  assert.ok(gap > 0 && gap < 5e-4, `divergence ${gap}`);
});

Deno.test("bybit ids are 19-digit numeric strings above 2^53; no trade precedes the start", () => {
  const ts = generateTrades({ ...CFG, startMs: CFG.startMs + 500 }, CFG.startMs + 5_000);
  assert.ok(ts.every((t) => t.timeMs >= CFG.startMs + 500));
  const by = ts.filter((t) => t.venue === "bybit");
  assert.ok(by.length > 0 && by.every((t) => /^\d{19}$/.test(t.tradeId) && BigInt(t.tradeId) > 2n ** 53n));
});
