// Reading a feed's store from another process (reports such as ./tp drift): DuckDB opened READ_ONLY,
// so the file is never created, changed or checkpointed. DuckDB allows one process to hold a file for
// writing and then no other process may open it at all, read-only included: while the feed runs, the
// open fails with StoreLockedError naming the holder's pid.
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { ClosedBar, Interval, SymbolName, Venue } from "../market/types.ts";
import { EnvironmentError } from "../util/errors.ts";
import { barsAfter, barsBefore, barsBetween, recentBars, type Span, span } from "./bar_queries.ts";
import type { DuckDbSettings } from "./duckdb_open.ts";
import { openStoreReadOnly, StoreLockedError } from "./read_only.ts";
import { readStoreVersion, refuseNewer, STORE_MIGRATIONS, type StoreRegistry } from "./store_schema.ts";

export { StoreLockedError };

export class BarReader {
  private constructor(private readonly instance: DuckDBInstance, private readonly con: DuckDBConnection) {}

  /**
   * Opens the store at `path` read-only. EnvironmentError when there is no such file or it holds no
   * bars table; StoreLockedError while another process writes it; SchemaTooNewError when its schema
   * is newer than `registry` (this release's) reads.
   */
  static async open(
    path: string,
    settings: Omit<DuckDbSettings, "readOnly"> = {},
    registry: StoreRegistry = STORE_MIGRATIONS,
  ): Promise<BarReader> {
    const instance = await openStoreReadOnly(path, settings);
    try {
      const con = await instance.connect();
      try {
        const v = await readStoreVersion(con);
        if (v.version === null) {
          throw new EnvironmentError(`store ${path} has no bars table (not a feed store)`);
        }
        refuseNewer(v, registry, path);
      } catch (err) {
        con.closeSync();
        throw err;
      }
      return new BarReader(instance, con);
    } catch (err) {
      instance.closeSync();
      throw err;
    }
  }

  /** The latest `limit` bars of a stream, oldest first. */
  recentBars(venue: Venue, symbol: SymbolName, interval: Interval, limit: number): Promise<ClosedBar[]> {
    return recentBars(this.con, venue, symbol, interval, limit);
  }

  /** The latest `limit` bars of a stream opening before `beforeMs`, oldest first. */
  barsBefore(
    venue: Venue,
    symbol: SymbolName,
    interval: Interval,
    beforeMs: number,
    limit: number,
  ): Promise<ClosedBar[]> {
    return barsBefore(this.con, venue, symbol, interval, beforeMs, limit);
  }

  /** Up to `limit` bars of a stream opening after `afterMs`, oldest first (a page of a full read). */
  barsAfter(
    venue: Venue,
    symbol: SymbolName,
    interval: Interval,
    afterMs: number,
    limit: number,
  ): Promise<ClosedBar[]> {
    return barsAfter(this.con, venue, symbol, interval, afterMs, limit);
  }

  /** Open times of a stream's first and last stored bars, or null when it has none. */
  span(venue: Venue, symbol: SymbolName, interval: Interval): Promise<Span | null> {
    return span(this.con, venue, symbol, interval);
  }

  /** A stream's bars opening in [fromMs, toMs), oldest first. */
  barsBetween(
    venue: Venue,
    symbol: SymbolName,
    interval: Interval,
    fromMs: number,
    toMs: number,
  ): Promise<ClosedBar[]> {
    return barsBetween(this.con, venue, symbol, interval, fromMs, toMs);
  }

  close(): void {
    this.con.closeSync();
    this.instance.closeSync();
  }
}
