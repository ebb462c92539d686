// What only the PostgreSQL store has or does differently (the shared contract is
// bar_store_contract_test.ts): the same table as DuckDB's, its schema versions, and the stream position
// written in the same transaction as the bars: a failed or killed batch leaves neither.
import assert from "node:assert/strict";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { contractBar } from "../../testing/bar_store_contract.ts";
import { startScript } from "../../testing/script_proc.ts";
import { EnvironmentError, SchemaTooNewError } from "../util/errors.ts";
import { latest } from "../util/schema_plan.ts";
import { BarStore } from "./bar_store.ts";
import { PgBarStore } from "./pg_bar_store.ts";
import { openPgPool, type PgPool } from "./pg_client.ts";
import { PG_STORE_MIGRATIONS } from "./pg_store_schema.ts";
import { startPostgres } from "./pg_server.ts";
import { STORE_MIGRATIONS } from "./store_migrations.ts";

/** Columns of `table` as "name type null|not null", types in one vocabulary for both databases. */
function columnsOf(rows: readonly Record<string, unknown>[]): string[] {
  const same: Record<string, string> = {
    "character varying": "VARCHAR",
    "double precision": "DOUBLE",
    "bigint": "BIGINT",
    "integer": "INTEGER",
    "boolean": "BOOLEAN",
  };
  return rows.map((r) => {
    const t = String(r.data_type);
    return `${r.column_name} ${same[t] ?? t} ${r.is_nullable === "YES" ? "null" : "not null"}`;
  });
}

const COLUMNS_SQL = `SELECT column_name, data_type, is_nullable FROM information_schema.columns
  WHERE table_name = $1 ORDER BY ordinal_position`;

async function duckDbColumns(table: string): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "pg_schema_duck_" });
  try {
    await (await BarStore.open(join(dir, "s.duckdb"))).close();
    const inst = await DuckDBInstance.create(join(dir, "s.duckdb"));
    const con = await inst.connect();
    try {
      return columnsOf((await con.runAndReadAll(COLUMNS_SQL, [table])).getRowObjectsJS());
    } finally {
      con.closeSync();
      inst.closeSync();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("PgBarStore on a real PostgreSQL", async (t) => {
  const pg = await startPostgres();
  const admin = openPgPool(pg.url, { max: 1 });
  let n = 0;
  const newDb = async () => {
    const name = `pgonly_${n++}`;
    await admin.query(`CREATE DATABASE ${name}`);
    return pg.url.replace(/\/postgres$/, `/${name}`);
  };
  const withPool = async <T>(url: string, fn: (p: PgPool) => Promise<T>) => {
    const p = openPgPool(url, { max: 1 });
    try {
      return await fn(p);
    } finally {
      await p.close();
    }
  };
  try {
    await t.step("the bars and schema_meta tables have DuckDB's columns, key and version", async () => {
      const url = await newDb();
      const made = await PgBarStore.open(url);
      await made.close();
      assert.equal(made.schemaVersion, latest(PG_STORE_MIGRATIONS), "the version open() brought it to");
      await withPool(url, async (p) => {
        for (const table of ["bars", "schema_meta"]) {
          assert.deepEqual(columnsOf((await p.query(COLUMNS_SQL, [table])).rows), await duckDbColumns(table));
        }
        const key = await p.query(
          `SELECT a.attname AS c FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid
             AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'bars'::regclass AND i.indisprimary
             ORDER BY array_position(i.indkey, a.attnum)`,
        );
        assert.deepEqual(key.rows.map((r) => r.c), ["venue", "symbol", "interval", "open_time"]);
        const meta = await p.query("SELECT from_version, to_version FROM schema_meta ORDER BY seq");
        assert.deepEqual(meta.rows.map((r) => [r.from_version, r.to_version]), [[0, 1], [1, 2]]);
      });
      assert.equal(latest(PG_STORE_MIGRATIONS), latest(STORE_MIGRATIONS));
    });

    await t.step("two writers opening a new database at once make the schema once", async () => {
      const url = await newDb();
      const stores = await Promise.all([PgBarStore.open(url), PgBarStore.open(url), PgBarStore.open(url)]);
      for (const s of stores) await s.close();
      const steps = await withPool(url, (p) => p.query("SELECT count(*) AS n FROM schema_meta"));
      assert.equal(Number(steps.rows[0].n), 2);
    });

    await t.step(
      "a reader refuses a database that is no store, and every opener one that is newer",
      async () => {
        const url = await newDb();
        await assert.rejects(PgBarStore.open(url, { schema: { migrate: false } }), EnvironmentError);
        const made = await PgBarStore.open(url);
        await made.close();
        const reader = await PgBarStore.open(url, { schema: { migrate: false } });
        await reader.close();
        assert.equal(reader.schemaVersion, made.schemaVersion, "a reader reports the version it found");
        await withPool(
          url,
          (p) => p.query("INSERT INTO schema_meta VALUES (3, 2, 3, 0, 'from the future', false)"),
        );
        await assert.rejects(PgBarStore.open(url), (err: Error) => {
          assert.ok(err instanceof SchemaTooNewError);
          assert.match(err.message, /schema version 3, newer than this release reads \(2\)/);
          assert.doesNotMatch(err.message, new RegExp(new URL(pg.url).password));
          return true;
        });
      },
    );

    await t.step("a batch and its stream position land together; the position never moves back", async () => {
      const s = await PgBarStore.open(await newDb());
      try {
        assert.equal(await s.lastSequence("writer-a"), null);
        await s.upsertBarsAt([0, 1].map((i) => contractBar(i)), { consumer: "writer-a", seq: 7 });
        assert.equal(await s.lastSequence("writer-a"), 7);
        assert.equal(await s.countBars(), 2);
        // A redelivered older message: its bars are upserted again (harmless), the position stays.
        await s.upsertBarsAt([contractBar(1, { c: 42 })], { consumer: "writer-a", seq: 3 });
        assert.equal(await s.lastSequence("writer-a"), 7);
        assert.equal((await s.recentBars("binance", "BTC-USDT", "1m", 1))[0].c, 42);
        await s.upsertBarsAt([], { consumer: "writer-b", seq: 1 });
        assert.deepEqual([await s.lastSequence("writer-a"), await s.lastSequence("writer-b")], [7, 1]);
        await assert.rejects(s.upsertBarsAt([], { consumer: "", seq: 1 }), RangeError);
        await assert.rejects(s.upsertBarsAt([], { consumer: "x", seq: 1.5 }), RangeError);
      } finally {
        await s.close();
      }
    });

    await t.step("a batch refused by a row rule records neither its bars nor its position", async () => {
      const s = await PgBarStore.open(await newDb());
      try {
        await s.upsertBarsAt([contractBar(0)], { consumer: "w", seq: 1 });
        const bad = [contractBar(1), contractBar(2, { l: 1e9 }), contractBar(3)];
        await assert.rejects(s.upsertBarsAt(bad, { consumer: "w", seq: 2 }), /l <= h/);
        assert.equal(await s.lastSequence("w"), 1);
        assert.equal(await s.countBars(), 1);
      } finally {
        await s.close();
      }
    });

    await t.step("a writer killed -9 inside its transaction leaves neither bars nor position", async () => {
      const url = await newDb();
      await (await PgBarStore.open(url)).close();
      const child = startScript(new URL("../../testing/pg_kill_writer.ts", import.meta.url).pathname, [
        url,
        "killed",
        "42",
      ]);
      try {
        await child.waitFor("stdout", "the writer inside its transaction", /in-tx\n/, 60_000);
      } finally {
        await child.close(); // SIGKILL before COMMIT
      }
      assert.equal((await child.finished()).signal, "SIGKILL");
      const s = await PgBarStore.open(url);
      try {
        assert.equal(await s.lastSequence("killed"), null);
        assert.equal(await s.countBars(), 0);
        // Its row locks went with it: the same keys and consumer are writable at once.
        await s.upsertBarsAt([0, 1, 2].map((i) => contractBar(i)), { consumer: "killed", seq: 42 });
        assert.equal(await s.lastSequence("killed"), 42);
        assert.equal(await s.countBars(), 3);
      } finally {
        await s.close();
      }
    });
  } finally {
    await admin.close();
    await pg.stop();
  }
});
