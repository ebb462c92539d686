// The bar store contract (lib/store/bar_store_api.ts), one suite run against every implementation:
// the embedded DuckDB BarStore and PgBarStore on a real PostgreSQL. Each case gets a new, empty store.
import assert from "node:assert/strict";
import type { ClosedBar } from "../lib/market/types.ts";
import type { BarStoreApi } from "../lib/store/bar_store_api.ts";

export interface ContractTarget {
  readonly name: string;
  /** A new empty database; `open` may be called again on it (a second writer, a reopen after close). */
  newDatabase(): Promise<{ open(): Promise<BarStoreApi> }>;
  /**
   * Whether two stores may write one database at once (PostgreSQL). DuckDB allows one writer per file:
   * its "concurrent writers" are concurrent calls on the one store.
   */
  readonly multiWriter: boolean;
}

const M = 60_000;
const T0 = Date.UTC(2024, 4, 14);

/** Bar i of BTC-USDT 1m on binance, with nulls, a -0, a subnormal-ish and an inexact double among its values. */
export function contractBar(i: number, over: Partial<ClosedBar> = {}): ClosedBar {
  return {
    venue: "binance",
    symbol: "BTC-USDT",
    interval: "1m",
    openTimeMs: T0 + i * M,
    o: 100 + i,
    h: 101.5 + i,
    l: 99.25 + i,
    c: 100.1 + i / 3,
    v: 0.1 + 0.2 * i,
    trades: i,
    origin: i % 3 === 0 ? "flat" : "trades",
    features: {
      ema_12: i < 2 ? null : 100 + i / 7,
      ema_26: null,
      sma_20: 1e-300,
      rsi_14: i === 1 ? -0 : 50 + i / 11,
      atr_14: i < 2 ? null : 1 / (i + 1),
      vwap_session_utc: 100 + 1 / 3,
    },
    closedAtMs: T0 + (i + 1) * M + 2000,
    ...over,
  };
}

async function withStore(t: ContractTarget, fn: (s: BarStoreApi) => Promise<void>): Promise<void> {
  const store = await (await t.newDatabase()).open();
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

/** Rejected with a message matching `re`. */
async function refuses(p: Promise<unknown>, re: RegExp): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.match(err.message, re);
    return true;
  });
}

export async function barStoreContract(tc: Deno.TestContext, t: ContractTarget): Promise<void> {
  await tc.step(
    `${t.name}: bars read back equal, field by field, in every read`,
    () =>
      withStore(t, async (s) => {
        const bars = Array.from({ length: 12 }, (_, i) => contractBar(i));
        for (const b of bars.slice(0, 5)) await s.upsertBar(b);
        await s.upsertBars(bars.slice(5));
        await s.upsertBar(contractBar(0, { venue: "okx" }));
        await s.upsertBar(contractBar(0, { interval: "1h" }));
        assert.deepEqual(await s.recentBars("binance", "BTC-USDT", "1m", 100), bars);
        assert.deepEqual(await s.recentBars("binance", "BTC-USDT", "1m", 3), bars.slice(9));
        assert.deepEqual(await s.recentBars("binance", "BTC-USDT", "1m", 0), []);
        assert.deepEqual(await s.barsAfter("binance", "BTC-USDT", "1m", T0 + 4 * M, 3), bars.slice(5, 8));
        assert.equal(await s.countBars(), 14);
        assert.equal(await s.countBars({ venue: "binance", interval: "1m" }), 12);
        assert.equal(await s.countBars({ fromMs: T0 + M, toMs: T0 + 3 * M }), 2);
        assert.equal(await s.countBars({ symbol: "ETH-USDT" }), 0);
        assert.deepEqual(await s.span("binance", "BTC-USDT", "1m"), { firstMs: T0, lastMs: T0 + 11 * M });
        assert.equal(await s.span("kraken", "BTC-USDT", "1m"), null);
        assert.deepEqual(
          await s.openTimes("binance", "BTC-USDT", "1m", T0 + 2 * M, T0 + 5 * M),
          [2, 3, 4].map((i) => T0 + i * M),
        );
        await refuses(s.recentBars("binance", "BTC-USDT", "1m", -1), /limit must be >= 0/);
      }),
  );

  await tc.step(
    `${t.name}: a revised bar replaces the stored one, never a second row`,
    () =>
      withStore(t, async (s) => {
        await s.upsertBar(contractBar(3));
        const revised = contractBar(3, { c: 777.5, h: 800, origin: "backfill", trades: 99 });
        await s.upsertBar(revised);
        assert.equal(await s.countBars(), 1);
        assert.deepEqual(await s.recentBars("binance", "BTC-USDT", "1m", 5), [revised]);
        // In one batch the later copy of a key wins, as sequential upserts would leave it.
        const again = contractBar(3, { c: 778 });
        await s.upsertBars([contractBar(4), contractBar(3, { c: 1 }), again]);
        assert.deepEqual(await s.recentBars("binance", "BTC-USDT", "1m", 5), [again, contractBar(4)]);
      }),
  );

  await tc.step(
    `${t.name}: an impossible bar is refused with the rule it breaks, and nothing is stored`,
    () =>
      withStore(t, async (s) => {
        await refuses(s.upsertBar(contractBar(1, { l: 200 })), /l <= h/);
        await refuses(s.upsertBar(contractBar(1, { o: 0 })), /o > 0/);
        await refuses(s.upsertBar(contractBar(1, { v: -1 })), /v >= 0/);
        await refuses(
          s.upsertBar(contractBar(1, { c: Number.NaN })),
          /^store: field "c" must be a finite number/,
        );
        await refuses(s.upsertBars([contractBar(1), contractBar(2, { l: 500 }), contractBar(3)]), /l <= h/);
        await refuses(
          s.upsertBars([contractBar(1), contractBar(2, { trades: -1 })]),
          /^store: bars\[1\]: trades/,
        );
        assert.equal(await s.countBars(), 0);
        // A stored bar is left as it was when its revision is refused.
        await s.upsertBar(contractBar(1));
        await refuses(s.upsertBar(contractBar(1, { h: 1 })), /l <= h/);
        assert.deepEqual(await s.recentBars("binance", "BTC-USDT", "1m", 5), [contractBar(1)]);
      }),
  );

  await tc.step(`${t.name}: concurrent writers of the same keys leave one row per key`, async () => {
    const db = await t.newDatabase();
    const a = await db.open();
    const b = t.multiWriter ? await db.open() : a;
    try {
      const writes: Promise<void>[] = [];
      const versions = new Map<number, number[]>([0, 1, 2, 3].map((i) => [i, []]));
      for (let k = 0; k < 20; k++) {
        const w = k % 2 === 0 ? a : b;
        const c = 100 + k;
        writes.push(w.upsertBar(contractBar(k % 4, { c })));
        versions.get(k % 4)!.push(c);
        // Batches over overlapping keys in opposite orders: no deadlock, no duplicate.
        const batch = [0, 1, 2, 3].map((i) => contractBar(i, { c: 500 + k }));
        writes.push(w.upsertBars(k % 2 === 0 ? batch : batch.reverse()));
        for (const i of [0, 1, 2, 3]) versions.get(i)!.push(500 + k);
      }
      await Promise.all(writes);
      assert.equal(await a.countBars(), 4);
      for (const stored of await a.recentBars("binance", "BTC-USDT", "1m", 10)) {
        const i = (stored.openTimeMs - T0) / M;
        assert.ok(versions.get(i)!.includes(stored.c), `bar ${i} holds c=${stored.c}, a value never written`);
        assert.deepEqual(stored, contractBar(i, { c: stored.c }));
      }
    } finally {
      if (b !== a) await b.close();
      await a.close();
    }
  });

  await tc.step(
    `${t.name}: deleteFrom removes one interval's bars from a time on, and counts them`,
    () =>
      withStore(t, async (s) => {
        await s.upsertBars([0, 1, 2, 3].map((i) => contractBar(i)));
        await s.upsertBar(contractBar(3, { interval: "1h" }));
        assert.equal(await s.deleteFrom("1m", T0 + 2 * M), 2);
        assert.deepEqual(await s.openTimes("binance", "BTC-USDT", "1m", 0, T0 + 10 * M), [T0, T0 + M]);
        assert.equal(await s.countBars({ interval: "1h" }), 1);
      }),
  );

  await tc.step(
    `${t.name}: what is committed is there after close and reopen; close is idempotent`,
    async () => {
      const db = await t.newDatabase();
      const s = await db.open();
      await s.upsertBars([0, 1].map((i) => contractBar(i)));
      await s.close();
      await s.close();
      await refuses(s.countBars(), /closed/);
      const again = await db.open();
      try {
        assert.deepEqual(
          await again.recentBars("binance", "BTC-USDT", "1m", 5),
          [0, 1].map((i) => contractBar(i)),
        );
      } finally {
        await again.close();
      }
    },
  );
}
