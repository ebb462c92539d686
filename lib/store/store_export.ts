// A consistent copy of the store, made by whoever holds it: DuckDB's EXPORT DATABASE (schema, load
// script and one Parquet file per table; IMPORT DATABASE reads it back), the answers the store gives at
// that moment (store_answers.ts), and the Parquet partitions mirrored beside it. The feed runs this
// between two queued writes (BarStore.exclusive), so no bar lands between the export, the answers and
// the partition copy; a backup of a stopped feed runs it on its own read-only connection.
import type { DuckDBConnection } from "@duckdb/node-api";
import { copyTree } from "../fs/copy_tree.ts";
import { join } from "node:path";
import { sqlString } from "./bar_row.ts";
import { openDuckDb } from "./duckdb_open.ts";
import { type StoreAnswers, storeAnswers } from "./store_answers.ts";
import { readHistory, SCHEMA_META, type StoreVersion } from "./store_schema.ts";
import { isDir } from "../fs/exists.ts";

export interface ExportTargets {
  /** EXPORT DATABASE's folder: must not exist, its parent must (DuckDB makes only the last level). */
  readonly storeDir: string;
  /** The Parquet partitions' root (PARQUET_DIR); copied when it exists. */
  readonly parquetFrom: string | null;
  readonly parquetTo: string;
}

export interface ExportResult extends StoreAnswers {
  /** Partition files copied and their bytes; null when there was no partition folder. */
  readonly parquet: { readonly files: number; readonly bytes: number } | null;
}

/** Exports the database, asks its answers and copies the partitions; nothing may write meanwhile. */
export async function exportStore(con: DuckDBConnection, t: ExportTargets): Promise<ExportResult> {
  // Parquet keeps every double's bits; the CSV default would print them as text.
  await con.run(`EXPORT DATABASE ${sqlString(t.storeDir)} (FORMAT parquet)`);
  const answers = await storeAnswers(con);
  let parquet: ExportResult["parquet"] = null;
  if (t.parquetFrom !== null && await isDir(t.parquetFrom)) {
    const copied = await copyTree(t.parquetFrom, t.parquetTo);
    parquet = { files: copied.files.length, bytes: copied.bytes };
  }
  return { ...answers, parquet };
}

/** The schema version of an EXPORT DATABASE folder (its schema_meta copy; none: version 1). */
export async function exportedStoreVersion(storeDir: string): Promise<StoreVersion> {
  const file = join(storeDir, `${SCHEMA_META}.parquet`);
  if (!(await Deno.stat(file).then((s) => s.isFile, () => false))) {
    return { version: 1, marked: false, history: [] };
  }
  const instance = await openDuckDb(":memory:", { threads: 1 });
  try {
    const con = await instance.connect();
    try {
      const history = await readHistory(con, `read_parquet(${sqlString(file)})`);
      return { version: history.at(-1)?.to ?? 1, marked: true, history };
    } finally {
      con.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** Rows in every Parquet file under `dir` (0 when none), read by a throwaway in-memory DuckDB. */
export async function parquetRows(dir: string): Promise<number> {
  const glob = `${dir.replace(/\/+$/, "")}/**/*.parquet`;
  const instance = await openDuckDb(":memory:", { threads: 1 });
  try {
    const con = await instance.connect();
    try {
      const files = await con.runAndReadAll(`SELECT count(*) AS n FROM glob(${sqlString(glob)})`);
      if (Number(files.getRowObjectsJS()[0].n) === 0) return 0;
      const r = await con.runAndReadAll(`SELECT count(*) AS n FROM read_parquet(${sqlString(glob)})`);
      return Number(r.getRowObjectsJS()[0].n);
    } finally {
      con.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
