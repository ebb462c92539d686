import assert from "node:assert/strict";
import { join } from "node:path";
import { sha256File } from "../evidence/sha256.ts";
import { EnvironmentError } from "../util/errors.ts";
import { writeNotAStore } from "../../testing/not_a_store.ts";
import { sampleBars } from "../../testing/sample_bars.ts";
import { BarReader } from "./bar_reader.ts";
import { BarStore } from "./bar_store.ts";

const M = 60_000;
const T0 = Date.UTC(2026, 0, 5);

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "bar_reader_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const digest = async (path: string) => (await sha256File(path)).sha256;

Deno.test("reader: windows by time, the last N, the N before a time; the file is left byte for byte", async () => {
  await withDir(async (dir) => {
    const path = join(dir, "feed.duckdb");
    const store = await BarStore.open(path);
    const bars = sampleBars({
      venue: "binance",
      symbol: "BTC-USDT",
      interval: "1m",
      count: 40,
      firstOpenTimeMs: T0,
      basePrice: 100,
    });
    await store.upsertBars(bars);
    await store.upsertBars(
      sampleBars({
        venue: "okx",
        symbol: "BTC-USDT",
        interval: "1m",
        count: 5,
        firstOpenTimeMs: T0,
        basePrice: 100,
      }),
    );
    await store.close();
    const before = await digest(path);
    const r = await BarReader.open(path, { threads: 1 });
    try {
      assert.deepEqual(
        await r.barsBetween("binance", "BTC-USDT", "1m", T0 + 10 * M, T0 + 13 * M),
        bars.slice(10, 13),
      );
      assert.deepEqual(await r.recentBars("binance", "BTC-USDT", "1m", 4), bars.slice(36));
      assert.deepEqual(await r.barsBefore("binance", "BTC-USDT", "1m", T0 + 36 * M, 3), bars.slice(33, 36));
      assert.deepEqual(await r.barsBefore("binance", "BTC-USDT", "1m", T0 + 2 * M, 10), bars.slice(0, 2));
      assert.deepEqual(await r.barsBetween("binance", "ETH-USDT", "1m", T0, T0 + 99 * M), []);
    } finally {
      r.close();
    }
    assert.equal(await digest(path), before);
  });
});

Deno.test("reader: no file, not a DuckDB file, no bars table: one-line EnvironmentErrors; nothing created", async () => {
  await withDir(async (dir) => {
    const missing = join(dir, "none.duckdb");
    await assert.rejects(() => BarReader.open(missing), (e) => {
      assert.ok(e instanceof EnvironmentError);
      assert.equal(e.message, `store ${missing} does not exist`);
      return true;
    });
    await assert.rejects(() => Deno.stat(missing), Deno.errors.NotFound);
    const text = join(dir, "notes.duckdb");
    await Deno.writeTextFile(text, "not a database\n");
    await assert.rejects(() => BarReader.open(text), (e) => {
      assert.ok(e instanceof EnvironmentError);
      assert.match(e.message, new RegExp(`^store ${text} cannot be read: `));
      return true;
    });
    const other = join(dir, "other.duckdb");
    await writeNotAStore(other);
    await assert.rejects(
      () => BarReader.open(other),
      /^EnvironmentError: store .*other\.duckdb has no bars table \(not a feed store\)$/,
    );
    await assert.rejects(() => BarReader.open(dir), /is not a file/);
  });
});
