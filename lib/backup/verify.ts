// `./tp restore --verify BACKUP`: a backup counts only once a restore of it was verified. Restores it
// into a scratch folder and compares with its manifest (compare.ts): every file's SHA-256 and size;
// the store imported with IMPORT DATABASE into a fresh DuckDB file, its row counts and the answers of
// the same questions asked at backup time; the Parquet partitions read back; the event log booted with
// the loop's boot code to the same OMS state. The store is imported only when its files match the
// manifest: IMPORT DATABASE runs the backup's SQL, which must be the SQL the backup wrote.
import { join } from "node:path";
import { copyTree, treeFiles } from "../fs/copy_tree.ts";
import { openDuckDb } from "../store/duckdb_open.ts";
import { sqlString } from "../store/bar_row.ts";
import { storeAnswers } from "../store/store_answers.ts";
import { parquetRows } from "../store/store_export.ts";
import { allProblems, compareBackup, type Observed, type Problems } from "./compare.ts";
import { type BackupManifest, hashFiles, PARTS, readManifest } from "./manifest.ts";
import { type BackupRegistries, refuseNewerBackup } from "./schema_guard.ts";
import { replayState, summarizeLog } from "./state_copy.ts";
import { isDir } from "../fs/exists.ts";

/** The restored store's file inside the scratch folder. */
export const RESTORED_STORE = "feed.duckdb";

export interface VerifyResult {
  readonly dir: string;
  /** null when the manifest is missing or unreadable (then problems.files says why). */
  readonly manifest: BackupManifest | null;
  readonly observed: Observed | null;
  readonly problems: Problems;
  readonly ok: boolean;
}

const message = (err: unknown) => err instanceof Error ? err.message : String(err);

/** IMPORT DATABASE of the backup's store folder into `<scratch>/feed.duckdb`, then its answers. */
async function importStore(storeDir: string, scratch: string): Promise<NonNullable<Observed["duckdb"]>> {
  const instance = await openDuckDb(join(scratch, RESTORED_STORE), { threads: 1 });
  try {
    const con = await instance.connect();
    try {
      await con.run(`IMPORT DATABASE ${sqlString(storeDir)}`);
      const a = await storeAnswers(con);
      await con.run("CHECKPOINT");
      return { tables: a.tables, queries: [...a.queries] };
    } finally {
      con.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** What a restore of the backup in `dir` into `scratch` (an empty folder) gives. */
export async function observeBackup(dir: string, scratch: string, m: BackupManifest): Promise<Observed> {
  const errors: Partial<Record<"tables" | "parquet" | "event_log", string>> = {};
  const files = await hashFiles(dir);
  const part = (p: string) => join(dir, p);
  let duckdb: Observed["duckdb"] = null;
  const storeFiles = (list: readonly { path: string; sha256: string; size: number }[]) =>
    JSON.stringify(list.filter((f) => f.path.startsWith(`${PARTS.store}/`)));
  if (!await isDir(part(PARTS.store))) errors.tables = `${PARTS.store}/: missing from the backup`;
  else if (storeFiles(files) !== storeFiles(m.files)) {
    errors.tables = `${PARTS.store}/: not imported: its files do not match the manifest`;
  } else {
    try {
      duckdb = await importStore(part(PARTS.store), scratch);
    } catch (err) {
      errors.tables = `${PARTS.store}/: IMPORT DATABASE failed: ${message(err)}`;
    }
  }
  let parquet: Observed["parquet"] = null;
  if (await isDir(part(PARTS.parquet))) {
    try {
      const n = (await treeFiles(part(PARTS.parquet))).length;
      parquet = { files: n, rows: await parquetRows(part(PARTS.parquet)) };
    } catch (err) {
      errors.parquet = `${PARTS.parquet}/: cannot be read: ${message(err)}`;
    }
  }
  let live: Observed["live_state"] = null;
  if (await isDir(part(PARTS.liveState))) {
    const to = join(scratch, PARTS.liveState);
    try {
      await copyTree(part(PARTS.liveState), to);
      live = { event_log: await summarizeLog(to), oms: await replayState(to) };
    } catch (err) {
      errors.event_log = `${PARTS.liveState}/: cannot be replayed: ${message(err)}`;
    }
  }
  return { files, duckdb, parquet, live_state: live, errors };
}

/**
 * Restores the backup in `dir` into `scratch` (an empty or new folder) and judges it. A backup of data
 * newer than `registries` (this release's) read is refused (SchemaTooNewError) before anything is done.
 */
export async function verifyBackup(
  dir: string,
  scratch: string,
  registries?: BackupRegistries,
): Promise<VerifyResult> {
  const m = await readManifest(dir);
  if (typeof m === "string") {
    const problems: Problems = { files: [m], tables: [], queries: [], parquet: [], event_log: [] };
    return { dir, manifest: null, observed: null, problems, ok: false };
  }
  refuseNewerBackup(dir, m, registries);
  await Deno.mkdir(scratch, { recursive: true });
  const observed = await observeBackup(dir, scratch, m);
  const problems = compareBackup(m, observed);
  return { dir, manifest: m, observed, problems, ok: allProblems(problems).length === 0 };
}
