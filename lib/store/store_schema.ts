// The store's schema version, kept inside the store: table schema_meta, one row per step applied (the
// version it went from and to, when, why, and whether the release that applied it had a way back). A
// store without the table is version 1 (made before versions were recorded). A writer (the feed) opens
// with `migrate`: a new store is made at version 1 and brought forward by the same steps as an old one,
// an older one is brought forward, each step in one transaction with its row. A reader never changes
// the store. Both refuse a store newer than their code with SchemaTooNewError (one line, exit 3).
import type { DuckDBConnection } from "@duckdb/node-api";
import { EnvironmentError } from "../util/errors.ts";
import {
  type ApplyStep,
  type DataVersion,
  firstStep,
  migrateDown,
  migrateUp,
  refuseTooNew,
  type Registry,
  type StepRecord,
} from "../util/schema_plan.ts";
import { CREATE_BARS } from "./bar_row.ts";
import { STORE_MIGRATIONS } from "./store_migrations.ts";

export type StoreRegistry = Registry<DuckDBConnection>;
export { STORE_MIGRATIONS };

export const SCHEMA_META = "schema_meta";
/** schema_meta: the same SQL in DuckDB and PostgreSQL (pg_store_schema.ts). */
export const CREATE_META = `CREATE TABLE ${SCHEMA_META} (
  seq INTEGER PRIMARY KEY,
  from_version INTEGER NOT NULL,
  to_version INTEGER NOT NULL,
  at_ms BIGINT NOT NULL,
  reason VARCHAR NOT NULL,
  down_available BOOLEAN NOT NULL
)`;

/** version null: the file holds no bars table (new, or not a feed store); marked: from schema_meta. */
export type StoreVersion = DataVersion;

async function hasTable(con: DuckDBConnection, name: string): Promise<boolean> {
  const r = await con.runAndReadAll(
    "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'main' AND table_name = $1",
    [name],
  );
  return Number(r.getRowObjectsJS()[0].n) > 0;
}

/** The store's version and history; read-only. */
export async function readStoreVersion(con: DuckDBConnection): Promise<StoreVersion> {
  const bars = await hasTable(con, "bars");
  if (!await hasTable(con, SCHEMA_META)) return { version: bars ? 1 : null, marked: false, history: [] };
  const history = await readHistory(con, SCHEMA_META);
  return { version: history.at(-1)?.to ?? (bars ? 1 : null), marked: true, history };
}

/** The steps recorded in `source` (schema_meta, or a read_parquet of its exported copy), in order. */
export async function readHistory(con: DuckDBConnection, source: string): Promise<StepRecord[]> {
  const r = await con.runAndReadAll(
    `SELECT from_version, to_version, at_ms, reason, down_available FROM ${source} ORDER BY seq`,
  );
  return r.getRowObjectsJS().map((x) => ({
    from: Number(x.from_version),
    to: Number(x.to_version),
    atMs: Number(x.at_ms),
    reason: String(x.reason),
    down: x.down_available === true,
  }));
}

/** Runs `job` and its record in one transaction: all of it, or (rolled back) none of it. */
async function inTransaction(con: DuckDBConnection, job: () => Promise<void>): Promise<void> {
  await con.run("BEGIN TRANSACTION");
  try {
    await job();
    await con.run("COMMIT");
  } catch (err) {
    await con.run("ROLLBACK").catch(() => {});
    throw err;
  }
}

async function record(con: DuckDBConnection, s: StepRecord): Promise<void> {
  await con.run(
    `INSERT INTO ${SCHEMA_META} SELECT coalesce(max(seq), 0) + 1, $1, $2, $3, $4, $5 FROM ${SCHEMA_META}`,
    [s.from, s.to, s.atMs, s.reason, s.down],
  );
}

/** Refuses a store newer than `reg` reads (SchemaTooNewError naming `where` and the way back). */
export function refuseNewer(v: StoreVersion, reg: StoreRegistry, where: string): void {
  refuseTooNew(v, reg, { name: "store", key: "store" }, where);
}

export interface PrepareOptions {
  readonly registry?: StoreRegistry;
  /** Writer: create a new store, mark an unmarked one, apply pending steps. Reader: change nothing. */
  readonly migrate: boolean;
  /** Wall clock for the records (default Date.now). */
  readonly now?: () => number;
  /** The store's path, for the refusal line. */
  readonly where: string;
}

/**
 * A step and its record in one transaction; one that threw was rolled back, so the store is where it
 * was, and the error says so.
 */
function applyIn(con: DuckDBConnection): ApplyStep<DuckDBConnection> {
  return (run, step) =>
    inTransaction(con, async () => {
      await run(con);
      await record(con, step);
    }).catch((err) => {
      const why = err instanceof Error ? err.message : String(err);
      const down = step.to < step.from ? "down-" : "";
      throw new Error(
        `store ${down}migration ${step.from} -> ${step.to} failed and was rolled back (the store is ` +
          `unchanged at ${step.from}): ${why}`,
      );
    });
}

/** Brings the store to the code's version (writer) or checks it can be read (reader); returns it. */
export async function prepareStore(con: DuckDBConnection, o: PrepareOptions): Promise<StoreVersion> {
  const reg = o.registry ?? STORE_MIGRATIONS, now = o.now ?? Date.now;
  let v = await readStoreVersion(con);
  refuseNewer(v, reg, o.where);
  if (!o.migrate) {
    if (v.version === null) {
      throw new EnvironmentError(`store ${o.where} has no bars table (not a feed store)`);
    }
    return v;
  }
  if (v.version === null || !v.marked) {
    const isNew = v.version === null;
    await inTransaction(con, async () => {
      if (isNew) await con.run(CREATE_BARS);
      await con.run(CREATE_META);
      await record(con, firstStep(isNew ? "new store" : "store from before schema versions", now()));
    });
  }
  v = await readStoreVersion(con);
  await migrateUp(reg, v.version!, now, applyIn(con));
  return await readStoreVersion(con);
}

/** Takes the store down to version `to` with the registry's down-migrations, newest step first. */
export async function migrateStoreDown(
  con: DuckDBConnection,
  to: number,
  o: { readonly registry?: StoreRegistry; readonly now?: () => number; readonly where: string },
): Promise<StoreVersion> {
  const reg = o.registry ?? STORE_MIGRATIONS, now = o.now ?? Date.now;
  const v = await readStoreVersion(con);
  refuseNewer(v, reg, o.where);
  if (v.version === null) throw new RangeError(`${o.where} holds no bars table: not a feed store`);
  await migrateDown(reg, { from: v.version, to }, now, applyIn(con));
  return await readStoreVersion(con);
}
