import assert from "node:assert/strict";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { sha256File } from "../evidence/sha256.ts";
import { BarStore } from "../store/bar_store.ts";
import { ConfigError, EnvironmentError } from "../util/errors.ts";
import { writeNotAStore } from "../../testing/not_a_store.ts";
import { sampleBars } from "../../testing/sample_bars.ts";
import { loadBars } from "./backtest_bars.ts";

const M = 60_000;
const T0 = Date.UTC(2026, 0, 5);
const BARS = sampleBars({
  venue: "binance",
  symbol: "BTC-USDT",
  interval: "1m",
  count: 30,
  firstOpenTimeMs: T0,
  basePrice: 100,
});

async function withStore(fn: (path: string, dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "backtest_bars_test_" });
  try {
    const path = join(dir, "feed.duckdb");
    const store = await BarStore.open(path);
    await store.upsertBars(BARS);
    await store.close();
    await fn(path, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loadBars: the stream's bars in [from, to), open or closed ends; the store file left byte for byte", () =>
  withStore(async (path, dir) => {
    const before = await sha256File(path);
    assert.deepEqual(
      await loadBars(path, "binance", "BTC-USDT", "1m", T0 + 5 * M, T0 + 9 * M),
      BARS.slice(5, 9),
    );
    assert.deepEqual(await loadBars(path, "binance", "BTC-USDT", "1m", null, T0 + 3 * M), BARS.slice(0, 3));
    assert.deepEqual(await loadBars(path, "binance", "BTC-USDT", "1m", T0 + 27 * M, null), BARS.slice(27));
    assert.deepEqual(await loadBars(path, "binance", "BTC-USDT", "1m", null, null), BARS);
    assert.deepEqual(await sha256File(path), before);
    // Read-only: no WAL or other file is made beside it.
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["feed.duckdb"]);
  }));

Deno.test("loadBars over a store a killed feed left with a WAL: the WAL's changes read, file and WAL untouched", () =>
  withStore(async (path, dir) => {
    // The last 10 bars deleted in the WAL only (no checkpoint at shutdown), as a killed writer leaves it.
    const db = await DuckDBInstance.create(path);
    const con = await db.connect();
    await con.run("PRAGMA disable_checkpoint_on_shutdown");
    await con.run(`DELETE FROM bars WHERE open_time >= ${T0 + 20 * M}`);
    con.closeSync();
    db.closeSync();
    const files = async () =>
      Object.fromEntries(
        await Promise.all(
          [...Deno.readDirSync(dir)].map(async (e) => [e.name, (await sha256File(join(dir, e.name))).sha256]),
        ),
      );
    const before = await files();
    assert.deepEqual(Object.keys(before).sort(), ["feed.duckdb", "feed.duckdb.wal"]);
    assert.deepEqual(await loadBars(path, "binance", "BTC-USDT", "1m", null, null), BARS.slice(0, 20));
    assert.deepEqual(await files(), before);
  }));

Deno.test("loadBars: no bar in range, no store, not a feed store: one line each naming what to fix", () =>
  withStore(async (path, dir) => {
    await assert.rejects(
      loadBars(path, "binance", "ETH-USDT", "1m", T0, T0 + M),
      (e) =>
        e instanceof ConfigError &&
        e.message === `no 1m bars of binance ETH-USDT with open time in [${new Date(T0).toISOString()}, ` +
            `${new Date(T0 + M).toISOString()}) in ${path} (none stored)`,
    );
    await assert.rejects(
      loadBars(path, "binance", "BTC-USDT", "1m", T0 + 40 * M, null),
      (e) =>
        e instanceof ConfigError &&
        e.message.endsWith(
          `(stored ${new Date(T0).toISOString()} .. ${new Date(T0 + 29 * M).toISOString()})`,
        ),
    );
    const missing = join(dir, "none.duckdb");
    await assert.rejects(
      loadBars(missing, "binance", "BTC-USDT", "1m", null, null),
      (e) =>
        e instanceof ConfigError &&
        e.message === `store ${missing} not found (the feed's STORE_PATH; give --db PATH)`,
    );
    await assert.rejects(() => Deno.stat(missing), Deno.errors.NotFound);
    const other = join(dir, "other.duckdb");
    await writeNotAStore(other);
    await assert.rejects(
      loadBars(other, "binance", "BTC-USDT", "1m", null, null),
      (e) =>
        e instanceof EnvironmentError &&
        e.message ===
          `cannot open store ${other} (a running feed holds it open?): store ${other} has no bars ` +
            "table (not a feed store)",
    );
  }));
