// STORE_URL: which bar store a process uses. `duckdb:<path>` (the default: the embedded file at the
// feed's default STORE_PATH) or `postgres://user:password@host:port/db` (`postgresql://` too, as libpq
// spells it). Anything else is one ConfigError line. Pure.
import { ConfigError } from "../util/errors.ts";

/** The feed's default store file (STORE_PATH in config/env/live.env; a test keeps the two equal). */
export const DEFAULT_STORE_PATH = "data/feed.duckdb";

export type StoreTarget =
  | { readonly kind: "duckdb"; readonly path: string }
  | { readonly kind: "postgres"; readonly url: string };

/** The URL with its password as *** (for logs and error lines), even when the rest does not parse. */
export function redactUrl(url: string): string {
  const start = url.indexOf("://");
  if (start < 0) return url;
  const rest = url.slice(start + 3);
  const end = rest.search(/[/?#]/);
  const authority = end < 0 ? rest : rest.slice(0, end);
  const at = authority.lastIndexOf("@");
  const colon = authority.indexOf(":");
  if (at < 0 || colon < 0 || colon > at) return url;
  return url.slice(0, start + 3) + authority.slice(0, colon) + ":***" + rest.slice(at);
}

/**
 * Reads STORE_URL. Unset or empty: DuckDB at `defaultPath`. `duckdb:` alone also means `defaultPath`;
 * `duckdb::memory:` is a throwaway in-memory store.
 */
export function parseStoreUrl(raw: string | undefined, defaultPath = DEFAULT_STORE_PATH): StoreTarget {
  const s = (raw ?? "").trim();
  if (s === "") return { kind: "duckdb", path: defaultPath };
  if (s.startsWith("duckdb:")) return { kind: "duckdb", path: s.slice("duckdb:".length) || defaultPath };
  if (/^postgres(ql)?:\/\//.test(s)) {
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      throw new ConfigError(`STORE_URL "${redactUrl(s)}" is not a valid postgres:// URL`);
    }
    if (u.hostname === "") {
      throw new ConfigError(
        `STORE_URL "${redactUrl(s)}" names no host (postgres://user:password@host:port/db)`,
      );
    }
    return { kind: "postgres", url: s };
  }
  throw new ConfigError(
    `STORE_URL "${redactUrl(s)}" is neither duckdb:<path> nor postgres://user:password@host:port/db`,
  );
}
