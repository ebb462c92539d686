// Opening a feed's store from another process, read-only (DuckDB access_mode READ_ONLY): the file is
// never created, changed or checkpointed. DuckDB allows one process to hold a file for writing and then
// no other process may open it at all, read-only included: while the feed runs, the open fails with
// StoreLockedError naming the holder's pid (DuckDB's lock message carries it).
import type { DuckDBInstance } from "@duckdb/node-api";
import { EnvironmentError } from "../util/errors.ts";
import { type DuckDbSettings, openDuckDb } from "./duckdb_open.ts";

/** Another process (the feed) holds the store for writing; callers say what to do about it. */
export class StoreLockedError extends EnvironmentError {
  override name = "StoreLockedError";
  constructor(readonly path: string, readonly pid: number | null) {
    super(
      `store ${path} is open for writing in another process${pid === null ? "" : ` (pid ${pid})`}, ` +
        "and DuckDB lets no other process read it meanwhile",
    );
  }
}

/**
 * Opens the store file at `path` read-only. EnvironmentError when there is no such file;
 * StoreLockedError while another process writes it.
 */
export async function openStoreReadOnly(
  path: string,
  settings: Omit<DuckDbSettings, "readOnly"> = {},
): Promise<DuckDBInstance> {
  const st = await Deno.stat(path).catch((err) => {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  });
  if (st === null) throw new EnvironmentError(`store ${path} does not exist`);
  if (!st.isFile) throw new EnvironmentError(`store ${path} is not a file`);
  try {
    return await openDuckDb(path, { ...settings, readOnly: true });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (/Could not set lock|Conflicting lock/i.test(msg)) {
      const pid = /\(PID (\d+)\)/i.exec(msg);
      throw new StoreLockedError(path, pid ? Number(pid[1]) : null);
    }
    throw new EnvironmentError(`store ${path} cannot be read: ${msg}`);
  }
}
