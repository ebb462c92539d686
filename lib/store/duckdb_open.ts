// Opening the store's embedded DuckDB with the operator's resource settings, with an error that says
// what was asked for (DuckDB itself only says "Failed to set config" for a bad setting).
import { DuckDBInstance } from "@duckdb/node-api";

export interface DuckDbSettings {
  /**
   * DuckDB memory_limit, e.g. "128MB" (STORE_MEMORY_LIMIT). DuckDB's default is 80% of the
   * machine's RAM, which a long-running feed's block cache would slowly take.
   */
  readonly memoryLimit?: string;
  /** DuckDB worker threads (STORE_THREADS); its default is one per core. */
  readonly threads?: number;
  /**
   * Open for reading only (DuckDB access_mode READ_ONLY): never creates the file. DuckDB still refuses
   * it while another process has the file open for writing (one writer, no other readers meanwhile).
   */
  readonly readOnly?: boolean;
}

/** Opens (creating if needed) the DuckDB file at `path`; ":memory:" works for throwaway stores. */
export async function openDuckDb(path: string, settings: DuckDbSettings): Promise<DuckDBInstance> {
  const config: Record<string, string> = {};
  if (settings.memoryLimit !== undefined) config.memory_limit = settings.memoryLimit;
  if (settings.threads !== undefined) config.threads = String(settings.threads);
  if (settings.readOnly) config.access_mode = "READ_ONLY";
  try {
    return await DuckDBInstance.create(path, config);
  } catch (err) {
    // DuckDB only says "Failed to set config" for a bad setting: name what was asked for.
    const msg = err instanceof Error ? err.message : String(err);
    throw new Error(`store: cannot open ${path} with ${JSON.stringify(config)}: ${msg}`);
  }
}
