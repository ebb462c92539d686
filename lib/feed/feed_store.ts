// Opens the store the feed's config chose (config.store): the embedded DuckDB BarStore, or PgBarStore
// on STORE_URL=postgres://. The rest of the feed sees only BarStoreApi; what DuckDB alone has (its
// connection for EXPORT DATABASE backups through the spool, the Parquet mirror, its memory and thread
// settings) comes back as `duckdb`, null for PostgreSQL, so nothing of it half-runs there.
import { dirname } from "node:path";
import { BarStore } from "../store/bar_store.ts";
import type { BarStoreApi } from "../store/bar_store_api.ts";
import { PgBarStore } from "../store/pg_bar_store.ts";
import { PG_STORE_MIGRATIONS } from "../store/pg_store_schema.ts";
import { readStoreVersion, STORE_MIGRATIONS, type StoreRegistry } from "../store/store_schema.ts";
import { ConfigError, EnvironmentError } from "../util/errors.ts";
import { cutAt, latest } from "../util/schema_plan.ts";
import type { FeedConfig } from "./config.ts";
import { storeWhere } from "./store_choice.ts";

export interface FeedStore {
  readonly api: BarStoreApi;
  /** The DuckDB store itself (backups, Parquet); null on PostgreSQL. */
  readonly duckdb: BarStore | null;
  readonly kind: "duckdb" | "postgres";
  /** The file, or the URL without its password: for /health and logs. */
  readonly where: string;
  /** The schema version the store was opened (and migrated) at. */
  readonly schemaVersion: number | null;
}

/**
 * `registry`: the DuckDB store's migrations (this release's by default, or cut by TICKPROOF_SCHEMA_CUT);
 * PostgreSQL gets its own steps cut at the same version (the two number their versions alike).
 */
export async function openFeedStore(config: FeedConfig, registry?: StoreRegistry): Promise<FeedStore> {
  const target = config.store, s = config.settings, where = storeWhere(target);
  if (target.kind === "duckdb") {
    if (target.path !== ":memory:") await Deno.mkdir(dirname(target.path), { recursive: true });
    const store = await BarStore.open(target.path, {
      parquetDir: s.PARTITIONING_ENABLED ? s.PARQUET_DIR : undefined,
      memoryLimit: s.STORE_MEMORY_LIMIT,
      threads: s.STORE_THREADS,
      schema: { registry },
    });
    // Read once: nothing migrates a store while its feed runs (./tp migrate refuses).
    const schemaVersion = (await store.exclusive(readStoreVersion)).version;
    return { api: store, duckdb: store, kind: "duckdb", where, schemaVersion };
  }
  const pgRegistry = cutAt(PG_STORE_MIGRATIONS, latest(registry ?? STORE_MIGRATIONS));
  let store: PgBarStore;
  try {
    store = await PgBarStore.open(target.url, {
      schema: { registry: pgRegistry },
      applicationName: "tickproof-feed",
    });
  } catch (err) {
    // SchemaTooNewError and the "not a tickproof store" lines already say it; a refused connection,
    // a wrong password or an unknown database is one line here, without the password.
    if (err instanceof EnvironmentError || err instanceof ConfigError) throw err;
    const why = err instanceof Error ? err.message : String(err);
    const password = decodeURIComponent(new URL(target.url).password);
    throw new EnvironmentError(
      `cannot open the store ${where} (STORE_URL): ${password ? why.replaceAll(password, "***") : why}`,
    );
  }
  return { api: store, duckdb: null, kind: "postgres", where, schemaVersion: store.schemaVersion };
}
