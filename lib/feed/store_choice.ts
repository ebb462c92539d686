// Which store the feed writes: STORE_URL (lib/store/store_url.ts) against STORE_PATH, each with the
// layer that set it. Unset STORE_URL = the DuckDB file at STORE_PATH, as before it existed. A STORE_URL
// from a higher layer than STORE_PATH overrides it (the env file's default path under a STORE_URL from
// the environment); from the same or a lower layer and naming another store, the two are one error:
// which one the operator meant is not ours to guess. Pure.
import { resolve } from "node:path";
import { parseStoreUrl, redactUrl, type StoreTarget } from "../store/store_url.ts";
import { ConfigError } from "../util/errors.ts";

/** Where a key's value came from, lowest first (later layers win). */
export const LAYERS = ["the env file", "the environment", "a flag"] as const;
export type Layer = typeof LAYERS[number];

export interface Setting {
  readonly value: string;
  readonly layer: Layer;
}

/**
 * The store STORE_URL names, or null when it is unset or empty (then STORE_PATH is the DuckDB file,
 * validated with the other keys). ConfigError: a bad STORE_URL, or one that disagrees with a STORE_PATH
 * set in the same or a higher layer. Lines carry the URL without its password.
 */
export function chooseStore(url: Setting | undefined, path: Setting | undefined): StoreTarget | null {
  if (url === undefined || url.value.trim() === "") return null;
  const target = parseStoreUrl(url.value, path?.value || undefined);
  if (path === undefined || LAYERS.indexOf(path.layer) < LAYERS.indexOf(url.layer)) return target;
  const same = target.kind === "duckdb" && sameFile(target.path, path.value);
  if (same) return target;
  throw new ConfigError(
    `STORE_URL "${redactUrl(url.value.trim())}" (from ${url.layer}) and STORE_PATH "${path.value}" ` +
      `(from ${path.layer}) name different stores: set only one of them`,
  );
}

function sameFile(a: string, b: string): boolean {
  return a === b || (a !== ":memory:" && b !== ":memory:" && resolve(a) === resolve(b));
}

/** A one-line description of a store for logs and the start line (no password). */
export function storeWhere(target: StoreTarget): string {
  return target.kind === "duckdb" ? target.path : redactUrl(target.url);
}

/**
 * The DuckDB file of a tool that reads DuckDB stores only (`what`: "./tp backup", ...); a PostgreSQL
 * store is one ConfigError line saying so (exit 2), never a silent read of a file that is not the store.
 */
export function duckDbOnly(target: StoreTarget, what: string, instead: string): string {
  if (target.kind === "duckdb") return target.path;
  throw new ConfigError(
    `${what} works on a DuckDB store only, and STORE_URL names PostgreSQL (${
      redactUrl(target.url)
    }): ${instead}`,
  );
}

/**
 * The start line for a PostgreSQL store, saying what does not apply there; null for DuckDB (its start
 * output is as it was before STORE_URL existed).
 */
export function storeLine(target: StoreTarget): string | null {
  if (target.kind === "duckdb") return null;
  return `feed: store PostgreSQL ${redactUrl(target.url)}; not used with it: the Parquet mirror, ` +
    `backups through the spool (./tp backup), STORE_MEMORY_LIMIT, STORE_THREADS`;
}
