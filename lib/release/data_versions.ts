// The schema versions the data on disk carries, read without changing anything: the feed's store
// (opened read-only; a running feed holds it, and DuckDB then lets nobody else read it) and the loop's
// state dir (its marker). Each as a version, or why there is none to read.
import { readStateVersion } from "../oms/state_version.ts";
import { openStoreReadOnly, StoreLockedError } from "../store/read_only.ts";
import { readStoreVersion } from "../store/store_schema.ts";
import { EnvironmentError } from "../util/errors.ts";
import type { StepRecord } from "../util/schema_plan.ts";

export type DataStatus = "current" | "older" | "newer" | "none" | "locked" | "unreadable";

export interface DataVersion {
  readonly path: string;
  /** null unless read. */
  readonly version: number | null;
  /** current / older / newer than the code; none (nothing there yet), locked, unreadable. */
  readonly status: DataStatus;
  /** Why there is no version, or what an unmarked one means. */
  readonly detail: string | null;
  readonly history: readonly StepRecord[];
  /** Where the version was read (the file itself, or the running feed that holds it); absent: not read. */
  readonly source?: string;
}

/** A version read, judged against the code's `code`. */
export const versionOf = (
  path: string,
  version: number,
  code: number,
  marked: boolean,
  history: readonly StepRecord[],
) =>
  ({
    path,
    version,
    status: version === code ? "current" : version < code ? "older" : "newer",
    detail: marked ? null : "no marker: made before schema versions were recorded (version 1)",
    history,
  }) as const;

const message = (err: unknown) => err instanceof Error ? err.message : String(err);

/** The store file's version against a registry that writes `code`. */
export async function storeDataVersion(path: string, code: number): Promise<DataVersion> {
  const none = (status: DataStatus, detail: string): DataVersion => ({
    path,
    version: null,
    status,
    detail,
    history: [],
  });
  let instance;
  try {
    instance = await openStoreReadOnly(path, { threads: 1 });
  } catch (err) {
    if (err instanceof StoreLockedError) {
      return none("locked", `${message(err)}: stop the feed to read its version here`);
    }
    if (err instanceof EnvironmentError && /does not exist/.test(err.message)) {
      return none("none", "no store yet (the feed makes one at its first start)");
    }
    return none("unreadable", message(err));
  }
  try {
    const con = await instance.connect();
    try {
      const v = await readStoreVersion(con);
      if (v.version === null) return none("unreadable", "no bars table (not a feed store)");
      return {
        ...versionOf(path, v.version, code, v.marked, v.history),
        source: "the store file, read-only",
      };
    } finally {
      con.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** The state dir's version against a registry that writes `code`. */
export async function stateDataVersion(dir: string, code: number): Promise<DataVersion> {
  try {
    const v = await readStateVersion(dir);
    if (v.version === null) {
      return {
        path: dir,
        version: null,
        status: "none",
        detail: "empty or missing (a new state dir)",
        history: [],
      };
    }
    return versionOf(dir, v.version, code, v.marked, v.history);
  } catch (err) {
    if (!(err instanceof EnvironmentError)) throw err;
    return { path: dir, version: null, status: "unreadable", detail: message(err), history: [] };
  }
}
