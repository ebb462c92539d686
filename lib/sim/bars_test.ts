import assert from "node:assert/strict";
import { BarBook, type SimBar } from "./bars.ts";
import { generateTrades, type MarketConfig } from "./market.ts";

const CFG: MarketConfig = {
  seed: 3,
  startMs: 1_767_225_600_000,
  symbols: ["ETH-USDT"],
  venues: ["okx"],
  tradeRate: 0.5,
};

Deno.test("BarBook closes 1m bars with exact OHLCV and reports each close once, in order", () => {
  const trades = generateTrades(CFG, CFG.startMs + 10 * 60_000);
  const closedSeen: SimBar[] = [];
  const book = new BarBook(CFG.venues, [trades[0].inst], { onClose: (b) => closedSeen.push(b) });
  for (const t of trades) book.add(t);
  book.closeUntil(CFG.startMs + 10 * 60_000);
  const closed = book.closed("okx", "ETH-USDT", "1m");
  assert.equal(closed.length, 10);
  assert.deepEqual(closedSeen.filter((b) => b.interval === "1m"), closed);
  closed.forEach((b, m) => {
    const xs = trades.filter((t) => Math.floor((t.timeMs - CFG.startMs) / 60_000) === m);
    assert.equal(b.openMs, CFG.startMs + m * 60_000);
    assert.deepEqual([b.o, b.c, b.n], [xs[0].priceTicks, xs.at(-1)!.priceTicks, xs.length]);
    assert.equal(b.h, Math.max(...xs.map((t) => t.priceTicks)));
    assert.equal(b.l, Math.min(...xs.map((t) => t.priceTicks)));
    assert.equal(b.vLots, xs.reduce((a, t) => a + t.sizeLots, 0));
    assert.equal(b.takerBuyLots, xs.filter((t) => t.side === "buy").reduce((a, t) => a + t.sizeLots, 0));
    assert.deepEqual([b.firstId, b.lastId], [xs[0].idNum, xs.at(-1)!.idNum]);
  });
  assert.equal(book.forming("okx", "ETH-USDT", "1h")?.n, trades.length);
  assert.equal(book.closed("okx", "ETH-USDT", "1h").length, 0);
});

Deno.test("quiet intervals become flat bars at the previous close; nothing before the first trade", () => {
  const trades = generateTrades(CFG, CFG.startMs + 60_000);
  const book = new BarBook(CFG.venues, [trades[0].inst], { maxClosed: 3 });
  assert.equal(book.forming("okx", "ETH-USDT", "1m"), null);
  for (const t of trades) book.add(t);
  book.closeUntil(CFG.startMs + 5 * 60_000);
  const closed = book.closed("okx", "ETH-USDT", "1m");
  assert.equal(closed.length, 3); // capped: minutes 2, 3 and 4 kept
  for (const b of closed) {
    assert.deepEqual([b.n, b.vLots, b.o, b.h, b.l, b.c], [0, 0, ...Array(4).fill(trades.at(-1)!.priceTicks)]);
    assert.deepEqual([b.firstId, b.lastId], [-1, -1]);
  }
  assert.deepEqual(closed.map((b) => b.openMs), [2, 3, 4].map((m) => CFG.startMs + m * 60_000));
});
