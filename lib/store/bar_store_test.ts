import assert from "node:assert/strict";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import type { ClosedBar } from "../market/types.ts";
import { BarStore } from "./bar_store.ts";

const M = 60_000;
const DAY0 = Date.UTC(2024, 4, 14);

function bar(i: number, over: Partial<ClosedBar> = {}): ClosedBar {
  return {
    venue: "binance",
    symbol: "BTC-USDT",
    interval: "1m",
    openTimeMs: DAY0 + i * M,
    o: 100 + i,
    h: 101.5 + i,
    l: 99.25 + i,
    c: 100.125 + i,
    v: 0.1 + i / 3,
    trades: i,
    origin: i % 3 === 0 ? "flat" : "trades",
    features: {
      ema_12: i < 11 ? null : 100 + i / 7,
      ema_26: null,
      sma_20: i < 19 ? null : 100 + i / 9,
      rsi_14: i < 14 ? null : 50 + i / 11,
      atr_14: i < 14 ? null : 1 / (i + 1),
      vwap_session_utc: 100 + 1 / 3,
    },
    closedAtMs: DAY0 + (i + 1) * M + 2000,
    ...over,
  };
}

async function withStore(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "bar_store_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("BarStore: upsert, recentBars oldest-first with features, countBars per filter", () =>
  withStore(async (dir) => {
    const store = await BarStore.open(join(dir, "feed.duckdb"));
    try {
      for (let i = 0; i < 30; i++) await store.upsertBar(bar(i));
      await store.upsertBar(bar(0, { venue: "okx" }));
      await store.upsertBar(bar(0, { interval: "1h" }));
      const recent = await store.recentBars("binance", "BTC-USDT", "1m", 5);
      assert.deepEqual(recent, [25, 26, 27, 28, 29].map((i) => bar(i)));
      assert.deepEqual(await store.recentBars("binance", "BTC-USDT", "1m", 0), []);
      assert.equal((await store.recentBars("binance", "BTC-USDT", "1m", 100)).length, 30);
      assert.equal(await store.countBars(), 32);
      assert.equal(await store.countBars({ venue: "binance" }), 31);
      assert.equal(await store.countBars({ venue: "binance", interval: "1m" }), 30);
      assert.equal(await store.countBars({ symbol: "ETH-USDT" }), 0);
    } finally {
      await store.close();
    }
  }));

Deno.test("BarStore: upserts are idempotent: a restart or backfill replaces, never duplicates", () =>
  withStore(async (dir) => {
    const path = join(dir, "feed.duckdb");
    let store = await BarStore.open(path);
    await store.upsertBars([bar(1), bar(2), bar(3)]);
    await store.upsertBar(bar(2, { c: 7, origin: "backfill" }));
    await store.upsertBars([bar(3), bar(3, { trades: 99 })]); // the same key twice in one batch
    await store.close();
    store = await BarStore.open(path); // a restart replays the same bars
    try {
      await store.upsertBars([bar(1), bar(2, { c: 7, origin: "backfill" })]);
      assert.equal(await store.countBars(), 3);
      const rows = await store.recentBars("binance", "BTC-USDT", "1m", 10);
      assert.deepEqual(rows.map((r) => [r.c, r.origin, r.trades]), [[101.125, "trades", 1], [
        7,
        "backfill",
        2,
      ], [
        103.125,
        "flat",
        99,
      ]]);
    } finally {
      await store.close();
    }
  }));

Deno.test("BarStore: invalid bars are refused and nothing of their batch is stored", () =>
  withStore(async (dir) => {
    const store = await BarStore.open(join(dir, "feed.duckdb"));
    try {
      await assert.rejects(store.upsertBar(bar(1, { c: Number.NaN })), /field "c" must be a finite number/);
      await assert.rejects(store.upsertBars([bar(2), bar(3, { symbol: "../etc" })]), /bars\[1\]: symbol/);
      await assert.rejects(
        store.upsertBar(bar(4, { features: { ...bar(4).features, rsi_14: Infinity } })),
        /feature "rsi_14"/,
      );
      assert.equal(await store.countBars(), 0);
      await store.upsertBar(bar(5));
      assert.equal(await store.countBars(), 1);
    } finally {
      await store.close();
    }
  }));

Deno.test("BarStore: memory_limit and threads reach DuckDB; a bad limit fails the open", () =>
  withStore(async (dir) => {
    const path = join(dir, "feed.duckdb");
    await assert.rejects(
      BarStore.open(path, { memoryLimit: "lots" }),
      /^Error: store: cannot open .*feed\.duckdb with \{"memory_limit":"lots"\}: /,
    );
    const store = await BarStore.open(path, { memoryLimit: "64MB", threads: 1 });
    try {
      await store.upsertBar(bar(1));
      await store.upsertBar(bar(1, { c: 5 })); // the key exists: replaced, not duplicated
      assert.deepEqual((await store.recentBars("binance", "BTC-USDT", "1m", 5)).map((b) => b.c), [5]);
    } finally {
      await store.close();
    }
  }));

Deno.test("BarStore with Parquet partitions: hive day files read back by any DuckDB give the exact rows", () =>
  withStore(async (dir) => {
    const pq = join(dir, "parquet");
    const store = await BarStore.open(join(dir, "feed.duckdb"), { parquetDir: pq });
    // 2024-05-14T23:55Z .. 2024-05-15T00:04Z: two dates; two venues; one bar rewritten later.
    const bars = [...Array(10).keys()].map((k) => bar(23 * 60 + 55 + k));
    await store.upsertBars(bars);
    for (const b of bars.slice(0, 3)) await store.upsertBar({ ...b, venue: "kraken" });
    await store.upsertBar({ ...bars[7], c: 1, origin: "backfill" });
    const expected = await store.recentBars("binance", "BTC-USDT", "1m", 100);
    const expectedKraken = await store.recentBars("kraken", "BTC-USDT", "1m", 100);
    await store.close();

    const files: string[] = [];
    for await (const e of walk(pq)) files.push(e.slice(pq.length + 1));
    assert.deepEqual(files.sort(), [
      "venue=binance/symbol=BTC-USDT/interval=1m/date=2024-05-14/part-0000.parquet",
      "venue=binance/symbol=BTC-USDT/interval=1m/date=2024-05-15/part-0000.parquet",
      "venue=kraken/symbol=BTC-USDT/interval=1m/date=2024-05-14/part-0000.parquet",
    ], "no temp files are left behind");

    const db = await DuckDBInstance.create(":memory:");
    const con = await db.connect();
    try {
      const r = await con.runAndReadAll(
        `SELECT venue, symbol, interval, CAST(date AS VARCHAR) AS date, * EXCLUDE (venue, symbol, interval, date)
         FROM read_parquet('${pq}/**/*.parquet', hive_partitioning = true) ORDER BY venue, open_time`,
      );
      const rows = r.getRowObjectsJS();
      assert.equal(rows.length, 13);
      const { rowToBar } = await import("./bar_row.ts");
      assert.deepEqual(rows.map(rowToBar), [...expected, ...expectedKraken]);
      assert.deepEqual(rows.map((x) => x.date), [
        ...Array(5).fill("2024-05-14"),
        ...Array(5).fill("2024-05-15"),
        ...Array(3).fill("2024-05-14"),
      ]);
      assert.equal(rows[7].c, 1);
    } finally {
      con.closeSync();
      db.closeSync();
    }
  }));

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) yield* walk(p);
    else yield p;
  }
}
