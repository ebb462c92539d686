// The store's schema version on a real DuckDB file: a new store and an unmarked (version 1) one reach
// the code's version by the same recorded steps, each atomic; readers change nothing; a newer store is
// refused; the down-migration gives back the version 1 table with every row.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { cutAt } from "../util/schema_plan.ts";
import { SchemaTooNewError } from "../util/errors.ts";
import { killBar } from "../../testing/kill_writer.ts";
import { BarStore } from "./bar_store.ts";
import { CREATE_BARS } from "./bar_row.ts";
import { openDuckDb } from "./duckdb_open.ts";
import { exportedStoreVersion } from "./store_export.ts";
import { migrateStoreDown, prepareStore, readStoreVersion, STORE_MIGRATIONS } from "./store_schema.ts";

const RELEASE_1 = cutAt(STORE_MIGRATIONS, 1);
const STEP_2 = STORE_MIGRATIONS.migrations[0].reason;

async function withCon<T>(path: string, job: (con: DuckDBConnection) => Promise<T>): Promise<T> {
  const db = await openDuckDb(path, { threads: 1 });
  try {
    const con = await db.connect();
    try {
      return await job(con);
    } finally {
      con.closeSync();
    }
  } finally {
    db.closeSync();
  }
}

const rows = async (con: DuckDBConnection) =>
  (await con.runAndReadAll("SELECT * FROM bars ORDER BY open_time")).getRowObjectsJS();
const ddl = async (con: DuckDBConnection) =>
  String(
    (await con.runAndReadAll("SELECT sql FROM duckdb_tables() WHERE table_name = 'bars'"))
      .getRowObjectsJS()[0].sql,
  );
const steps = (h: readonly { from: number; to: number; reason: string; down: boolean }[]) =>
  h.map(({ from, to, reason, down }) => ({ from, to, reason, down }));
const BAD_BAR = "INSERT INTO bars VALUES ('okx', 'BTC-USDT', '1m', 60000, 5, 4, 6, 5, 1, 1, 'trades', " +
  "NULL, NULL, NULL, NULL, NULL, NULL, 120000)"; // low 6 above high 4

/** A store as release 1 left it before versions were recorded: CREATE_BARS and bars, no schema_meta. */
async function unmarkedStore(path: string, bars: number): Promise<void> {
  await withCon(path, (con) => con.run(CREATE_BARS));
  const s = await BarStore.open(path, { schema: { registry: RELEASE_1, migrate: false } });
  await s.upsertBars(Array.from({ length: bars }, (_, i) => killBar(i)));
  await s.close();
}

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "store_schema_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a new store is made at version 1 and taken to 2 by the step an old store takes, recorded", () =>
  withDir(async (dir) => {
    const v = await withCon(
      join(dir, "f.duckdb"),
      (con) => prepareStore(con, { migrate: true, now: () => 7, where: "f" }),
    );
    assert.equal(v.version, 2);
    assert.deepEqual(v.history, [
      { from: 0, to: 1, atMs: 7, reason: "new store", down: false },
      { from: 1, to: 2, atMs: 7, reason: STEP_2, down: true },
    ]);
  }));

Deno.test("an unmarked store is version 1; a reader leaves it so; the writer marks it and migrates it, rows intact", () =>
  withDir(async (dir) => {
    const path = join(dir, "f.duckdb");
    await unmarkedStore(path, 40);
    await withCon(path, async (con) => {
      const before = await rows(con);
      assert.deepEqual(await readStoreVersion(con), { version: 1, marked: false, history: [] });
      assert.equal((await prepareStore(con, { migrate: false, where: path })).version, 1);
      assert.equal((await readStoreVersion(con)).marked, false); // a reader wrote nothing
      const v = await prepareStore(con, { migrate: true, now: () => 9, where: path });
      assert.deepEqual(steps(v.history), [
        { from: 0, to: 1, reason: "store from before schema versions", down: false },
        { from: 1, to: 2, reason: STEP_2, down: true },
      ]);
      assert.deepEqual(await rows(con), before); // every column of every bar, bit for bit
      await assert.rejects(con.run(BAD_BAR), /CHECK constraint failed on table bars/);
    });
  }));

Deno.test("a store newer than the code is refused with the way back, and left as it is", () =>
  withDir(async (dir) => {
    const path = join(dir, "f.duckdb");
    await (await BarStore.open(path)).close(); // release 2 made it
    await assert.rejects(
      BarStore.open(path, { schema: { registry: RELEASE_1 } }),
      (e) =>
        e instanceof SchemaTooNewError &&
        e.message === `store ${path} is at schema version 2, newer than this release reads (1): refusing ` +
            "to start; the release that upgraded it recorded a down-migration: with that release checked out, " +
            "stop the services and run ./tp migrate --down-to 1 --only store, then start this one",
    );
    assert.equal((await withCon(path, readStoreVersion)).version, 2);
  }));

Deno.test("down to 1: the version 1 table and every row back; release 1 opens it; up again is 2", () =>
  withDir(async (dir) => {
    const path = join(dir, "f.duckdb");
    await unmarkedStore(path, 30);
    const v1Ddl = await withCon(path, ddl);
    const v1Rows = await withCon(path, rows);
    await withCon(path, (con) => prepareStore(con, { migrate: true, where: path }));
    assert.notEqual(await withCon(path, ddl), v1Ddl);
    const down = await withCon(path, (con) => migrateStoreDown(con, 1, { now: () => 11, where: path }));
    assert.equal(down.version, 1);
    assert.deepEqual(down.history.at(-1), {
      from: 2,
      to: 1,
      atMs: 11,
      reason: `down: ${STEP_2}`,
      down: false,
    });
    assert.equal(await withCon(path, ddl), v1Ddl);
    assert.deepEqual(await withCon(path, rows), v1Rows);
    const s = await BarStore.open(path, { schema: { registry: RELEASE_1 } });
    assert.equal(await s.countBars(), 30);
    await s.close();
    const up = await withCon(path, (con) => prepareStore(con, { migrate: true, where: path }));
    assert.equal(up.version, 2);
    assert.deepEqual(await withCon(path, rows), v1Rows);
  }));

Deno.test("a step that fails is rolled back whole: the store stays at 1 with its rows, the error names the bar", () =>
  withDir(async (dir) => {
    const path = join(dir, "f.duckdb");
    await unmarkedStore(path, 5);
    await withCon(path, (con) => con.run(BAD_BAR));
    const before = await withCon(path, rows);
    await assert.rejects(
      withCon(path, (con) => prepareStore(con, { migrate: true, where: path })),
      new Error(
        "store migration 1 -> 2 failed and was rolled back (the store is unchanged at 1): 1 stored bar(s) " +
          "break the version 2 rules (o > 0 AND h > 0 AND l > 0 AND c > 0; l <= h; v >= 0; trades >= 0), " +
          "first okx BTC-USDT 1m open_time 60000 (o 5 h 4 l 6 c 5 v 1 trades 1); delete or correct them " +
          "with release 1, then start again",
      ),
    );
    const v = await withCon(path, readStoreVersion);
    assert.equal(v.version, 1);
    assert.deepEqual(await withCon(path, rows), before);
    await withCon(path, (con) => con.run(BAD_BAR.replace("INSERT", "INSERT OR REPLACE"))); // still version 1
  }));

Deno.test("a step without a down-migration is refused by --down-to, naming the step", () =>
  withDir(async (dir) => {
    const path = join(dir, "f.duckdb");
    const oneWay = {
      name: "store",
      migrations: [{ ...STORE_MIGRATIONS.migrations[0], down: undefined }],
    };
    await withCon(path, (con) => prepareStore(con, { registry: oneWay, migrate: true, where: path }));
    await assert.rejects(
      withCon(path, (con) => migrateStoreDown(con, 1, { registry: oneWay, where: path })),
      /store step 1 -> 2 has no down-migration: restore the backup taken before the upgrade/,
    );
    const v = await withCon(path, readStoreVersion);
    assert.equal(v.version, 2);
    assert.equal(v.history.at(-1)?.down, false);
  }));

Deno.test("exportedStoreVersion: an EXPORT DATABASE folder carries its store's version", () =>
  withDir(async (dir) => {
    const path = join(dir, "f.duckdb");
    await unmarkedStore(path, 3);
    await withCon(path, (con) => con.run(`EXPORT DATABASE '${join(dir, "v1")}' (FORMAT parquet)`));
    assert.deepEqual(await exportedStoreVersion(join(dir, "v1")), { version: 1, marked: false, history: [] });
    await withCon(path, async (con) => {
      await prepareStore(con, { migrate: true, now: () => 3, where: path });
      await con.run(`EXPORT DATABASE '${join(dir, "v2")}' (FORMAT parquet)`);
    });
    const v2 = await exportedStoreVersion(join(dir, "v2"));
    assert.equal(v2.version, 2);
    assert.deepEqual(v2.history, await withCon(path, async (con) => (await readStoreVersion(con)).history));
  }));
