// Child process for lib/store/bar_store_kill_test.ts: writes bars forever and prints "ack <i>" on stdout only
// after upsertBar(i) has resolved. The test SIGKILLs it mid-stream and checks every acked bar.
import type { ClosedBar } from "../lib/market/types.ts";
import { BarStore } from "../lib/store/bar_store.ts";

export function killBar(i: number): ClosedBar {
  return {
    venue: "bybit",
    symbol: "ETH-USDT",
    interval: "1m",
    openTimeMs: 1_715_724_000_000 + i * 60_000,
    o: 3000 + i,
    h: 3001 + i,
    l: 2999 + i,
    c: 3000.5 + i,
    v: i / 7,
    trades: i,
    origin: "trades",
    features: { ema_12: i, ema_26: null, sma_20: i / 3, rsi_14: null, atr_14: 1 / 3, vwap_session_utc: 3000 },
    closedAtMs: 1_715_724_060_000 + i * 60_000,
  };
}

if (import.meta.main) {
  const store = await BarStore.open(Deno.args[0], { checkpointEvery: 25 });
  const enc = new TextEncoder();
  for (let i = 0;; i++) {
    await store.upsertBar(killBar(i));
    await Deno.stdout.write(enc.encode(`ack ${i}\n`));
  }
}
