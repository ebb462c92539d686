import assert from "node:assert/strict";
import { join } from "node:path";
import { instrument } from "../instruments.ts";
import { type EngineConfig, MatchingEngine } from "./engine.ts";
import { loadState, restore, saveState, snapshot } from "./state.ts";
import { spotSymbol } from "./symbols.ts";
import type { NewOrder } from "./types.ts";

const BTC = spotSymbol(instrument("BTC-USDT"));
const cfg: EngineConfig = {
  symbols: [BTC],
  accounts: { a: { balances: { USDT: 1e12 }, makerRate: 100_000, takerRate: 200_000 } },
  slippageBps: 0,
  takerLiquidity: "unlimited",
};
const buy = (priceTicks: number, qtyLots: number, clientOrderId: string): NewOrder => ({
  symbol: "BTCUSDT",
  side: "BUY",
  type: "LIMIT",
  timeInForce: "GTC",
  priceTicks,
  qtyLots,
  quoteOrderQtyAtoms: 0,
  clientOrderId,
  respType: "ACK",
});

Deno.test("a restart from the state file keeps orders, book priority, balances, fills and id counters", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trading_state_test_" });
  try {
    const path = join(dir, "state.json");
    assert.equal(await loadState(path), null, "no file: a fresh start");
    const e = new MatchingEngine(cfg);
    e.onTrade({ symbol: "BTCUSDT", priceTicks: 6_100_000, sizeLots: 1, side: "buy", timeMs: 1 });
    e.place("a", buy(6_000_000, 3_000, "x1"), 2);
    e.place("a", buy(6_000_000, 3_000, "x2"), 3);
    e.onTrade({ symbol: "BTCUSDT", priceTicks: 6_000_000, sizeLots: 4_000, side: "sell", timeMs: 4 });
    await saveState(path, e);
    const back = restore(cfg, (await loadState(path))!);
    assert.deepEqual(snapshot(back), snapshot(e));
    // Both engines go on identically: x2 (partly filled, second in time) completes, ids continue.
    const p = {
      symbol: "BTCUSDT",
      priceTicks: 5_999_000,
      sizeLots: 10_000,
      side: "sell" as const,
      timeMs: 5,
    };
    const want = e.onTrade(p), got = back.onTrade(p);
    assert.deepEqual(got, want);
    assert.deepEqual(got.map((x) => [x.order.clientOrderId, x.fill!.qtyLots, x.fill!.id]), [[
      "x2",
      2_000,
      3,
    ]]);
    const next = back.place("a", buy(5_000_000, 1_000, "x3"), 6);
    assert.equal("order" in next && next.order.orderId, 3);
    assert.equal(back.accounts.get("a")!.free("BTC"), 6_000 * 100 - 600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a damaged state file is an error naming the file, never a silent reset", async () => {
  const dir = await Deno.makeTempDir({ prefix: "trading_state_test_" });
  try {
    const path = join(dir, "state.json");
    await Deno.writeTextFile(path, '{"version":1');
    await assert.rejects(loadState(path), /Cannot read trading state .*state\.json/);
    await Deno.writeTextFile(path, '{"version":2}');
    await assert.rejects(loadState(path), /Cannot use trading state .*state\.json: version/);
    const e = new MatchingEngine(cfg);
    const s = snapshot(e);
    assert.throws(
      () => restore({ ...cfg, accounts: {} }, s),
      /account "a" is not configured/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
