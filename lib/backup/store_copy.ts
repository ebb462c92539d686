// The store's part of a backup, taken by whoever may read the store. A stopped feed: this process opens
// it read-only and exports it itself. A running feed holds it (DuckDB lets no other process open it, so
// a file copy would be a torn copy of a file being written): the feed is asked through its spool
// (lib/store/backup_spool.ts) and exports between two of its writes. While waiting, the feed's pid is
// watched: a feed that dies (kill -9) ends the wait at once, and the request is taken back, so a
// restarted feed never exports into a folder nobody waits for.
import { sleep } from "../async/sleep.ts";
import { processAlive } from "../proc/alive.ts";
import {
  clearRequest,
  dropStaleAnswers,
  type ExportDone,
  readDone,
  spoolDir,
  writeRequest,
} from "../store/backup_spool.ts";
import { openStoreReadOnly, StoreLockedError } from "../store/read_only.ts";
import { type ExportResult, exportStore } from "../store/store_export.ts";
import { EnvironmentError } from "../util/errors.ts";

export interface StoreCopyOptions {
  readonly storePath: string;
  readonly parquetDir: string;
  /** EXPORT DATABASE's folder (absolute, new; its parent exists). */
  readonly storeOut: string;
  /** Where the partitions go (absolute). */
  readonly parquetOut: string;
  /** How long a running feed may take to answer (ms). */
  readonly timeoutMs: number;
  readonly say: (line: string) => void;
  readonly now?: () => number;
}

export interface StoreCopy extends ExportResult {
  /** Who exported: `feed pid N (EXPORT DATABASE)` or `backup (read-only open, EXPORT DATABASE)`. */
  readonly by: string;
}

/** Exports the store (see the module comment); throws with one line when no consistent copy was made. */
export async function copyStore(o: StoreCopyOptions): Promise<StoreCopy> {
  let instance;
  try {
    instance = await openStoreReadOnly(o.storePath, { threads: 1 });
  } catch (err) {
    if (err instanceof StoreLockedError) return await askFeed(o, err.pid);
    if (err instanceof EnvironmentError && /does not exist/.test(err.message)) {
      throw new EnvironmentError(
        `no store at ${o.storePath} (STORE_PATH): nothing to back up yet; start the feed, or on a fresh ` +
          "checkout run ./tp backup --drill, which makes one first",
      );
    }
    throw err;
  }
  try {
    const con = await instance.connect();
    try {
      const r = await exportStore(con, {
        storeDir: o.storeOut,
        parquetFrom: o.parquetDir,
        parquetTo: o.parquetOut,
      });
      return { ...r, by: "backup (read-only open, EXPORT DATABASE)" };
    } finally {
      con.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

async function askFeed(o: StoreCopyOptions, pid: number | null): Promise<StoreCopy> {
  const now = o.now ?? Date.now;
  const spool = spoolDir(o.storePath);
  const id = crypto.randomUUID();
  const deadlineMs = now() + o.timeoutMs;
  const who = `the feed${pid === null ? "" : ` (pid ${pid})`}`;
  o.say(`${who} holds ${o.storePath}: asking it for the export (spool ${spool})`);
  await dropStaleAnswers(spool, now());
  await writeRequest(spool, { version: 1, id, storeDir: o.storeOut, parquetTo: o.parquetOut, deadlineMs });
  let done: ExportDone | null = null;
  try {
    for (;;) {
      done = await readDone(spool, id);
      if (done) break;
      if (pid !== null && await processAlive(pid) === false) {
        // It may have answered just before it died.
        done = await readDone(spool, id);
        if (done) break;
        throw new Error(`${who} exited before it answered the backup request; no backup was made`);
      }
      if (now() > deadlineMs) {
        throw new EnvironmentError(
          `${who} did not answer the backup request within ${o.timeoutMs / 1000} s (is it a feed ` +
            `without the backup trigger, or stuck? see its log); no backup was made`,
        );
      }
      await sleep(50);
    }
  } finally {
    await clearRequest(spool, id);
  }
  if (!done.ok) throw new Error(`${who} could not export the store: ${done.error}; no backup was made`);
  return {
    tables: done.tables,
    queries: done.queries,
    parquet: done.parquet,
    by: `feed pid ${done.pid} (EXPORT DATABASE)`,
  };
}
