// Bars + features in an embedded DuckDB file, keyed by (venue, symbol, interval, open_time).
// Durability: every write is its own autocommit statement (or one explicit transaction for a batch);
// DuckDB writes and syncs its WAL at commit, so once upsertBar resolves the bar survives a SIGKILL.
// CHECKPOINT folds the WAL into the file every `checkpointEvery` writes and on close.
import type { DuckDBConnection, DuckDBInstance, DuckDBPreparedStatement } from "@duckdb/node-api";
import type { ClosedBar, Interval, SymbolName, Venue } from "../market/types.ts";
import {
  allDays,
  type BarFilter,
  barsAfter,
  countBars,
  daysFrom,
  openTimes,
  recentBars,
  type Span,
  span,
} from "./bar_queries.ts";
import { bindBar, INSERT_BAR, storeProblem, UPSERT_BAR } from "./bar_row.ts";
import { type DuckDbSettings, openDuckDb } from "./duckdb_open.ts";
import { dayKeyOf, ParquetExport } from "./parquet_export.ts";
import { prepareStore, type StoreRegistry } from "./store_schema.ts";

export interface BarStoreOptions extends DuckDbSettings {
  /** PARTITIONING_ENABLED=true: mirror day files as hive-partitioned Parquet under this directory. */
  readonly parquetDir?: string;
  /** Run CHECKPOINT after this many writes. Default 1000. */
  readonly checkpointEvery?: number;
  /** Schema (store_schema.ts): this release's migrations by default; `migrate: false` for readers. */
  readonly schema?: { readonly registry?: StoreRegistry; readonly migrate?: boolean };
}

export class BarStore {
  private readonly instance: DuckDBInstance;
  private readonly con: DuckDBConnection;
  private readonly upsert: DuckDBPreparedStatement;
  private readonly insert: DuckDBPreparedStatement;
  private readonly parquet: ParquetExport | null;
  private readonly checkpointEvery: number;
  private writesSinceCheckpoint = 0;
  /** Parquet rewrites that failed (the DuckDB rows are committed regardless). */
  parquetErrors = 0;
  lastParquetError = "";
  /** Every operation runs after the previous one: one prepared statement, writes in call order. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    instance: DuckDBInstance,
    con: DuckDBConnection,
    upsert: DuckDBPreparedStatement,
    insert: DuckDBPreparedStatement,
    opts: BarStoreOptions,
  ) {
    this.instance = instance;
    this.con = con;
    this.upsert = upsert;
    this.insert = insert;
    this.parquet = opts.parquetDir ? new ParquetExport(opts.parquetDir) : null;
    this.checkpointEvery = opts.checkpointEvery ?? 1000;
  }

  /** Opens (creating if needed, migrating unless told not to) the DuckDB file; ":memory:" works too. */
  static async open(path: string, opts: BarStoreOptions = {}): Promise<BarStore> {
    const instance = await openDuckDb(path, opts);
    try {
      const con = await instance.connect();
      await prepareStore(con, { ...opts.schema, migrate: opts.schema?.migrate ?? true, where: path });
      const upsert = await con.prepare(UPSERT_BAR);
      const insert = await con.prepare(INSERT_BAR);
      return new BarStore(instance, con, upsert, insert, opts);
    } catch (err) {
      instance.closeSync();
      throw err;
    }
  }

  /** Stores one closed bar; resolves once it is committed. Throws RangeError for an invalid bar. */
  upsertBar(bar: ClosedBar): Promise<void> {
    const problem = storeProblem(bar);
    if (problem !== null) return Promise.reject(new RangeError(`store: ${problem}`));
    return this.enqueue(async () => {
      try {
        bindBar(this.insert, bar);
        await this.insert.run();
      } catch {
        // Almost always the key exists (a restart, a corrected bar): replace it. Any other cause
        // fails again here and is what the caller sees. A failed autocommit insert wrote nothing.
        bindBar(this.upsert, bar);
        await this.upsert.run();
      }
      await this.afterWrite([bar]);
    });
  }

  /** Stores a batch in one transaction: all of it or none of it. */
  upsertBars(bars: readonly ClosedBar[]): Promise<void> {
    for (const [i, b] of bars.entries()) {
      const problem = storeProblem(b);
      if (problem !== null) return Promise.reject(new RangeError(`store: bars[${i}]: ${problem}`));
    }
    if (bars.length === 0) return Promise.resolve();
    return this.enqueue(async () => {
      await this.con.run("BEGIN TRANSACTION");
      try {
        for (const b of bars) {
          bindBar(this.upsert, b);
          await this.upsert.run();
        }
        await this.con.run("COMMIT");
      } catch (err) {
        await this.con.run("ROLLBACK").catch(() => {});
        throw err;
      }
      await this.afterWrite(bars);
    });
  }

  /** The latest `limit` bars of a stream, oldest first, with their features. */
  recentBars(venue: Venue, symbol: SymbolName, interval: Interval, limit: number): Promise<ClosedBar[]> {
    return badLimit(limit) ?? this.enqueue(() => recentBars(this.con, venue, symbol, interval, limit));
  }

  /** Up to `limit` bars of a stream opening after `afterMs`, oldest first (a page of a full read). */
  barsAfter(
    venue: Venue,
    symbol: SymbolName,
    interval: Interval,
    afterMs: number,
    limit: number,
  ): Promise<ClosedBar[]> {
    return badLimit(limit) ??
      this.enqueue(() => barsAfter(this.con, venue, symbol, interval, afterMs, limit));
  }

  /** Number of stored bars, optionally for one venue / symbol / interval and open times in [fromMs, toMs). */
  countBars(filter: BarFilter = {}): Promise<number> {
    return this.enqueue(() => countBars(this.con, filter));
  }

  /** Open times of a stream's first and last stored bars, or null when it has none. */
  span(venue: Venue, symbol: SymbolName, interval: Interval): Promise<Span | null> {
    return this.enqueue(() => span(this.con, venue, symbol, interval));
  }

  /** Stored open times of a stream in [fromMs, toMs), ascending (the restart scan looks for holes). */
  openTimes(
    venue: Venue,
    symbol: SymbolName,
    interval: Interval,
    fromMs: number,
    toMs: number,
  ): Promise<number[]> {
    return this.enqueue(() => openTimes(this.con, venue, symbol, interval, fromMs, toMs));
  }

  /**
   * Deletes one interval's bars opening at or after `fromMs` (every venue and symbol); returns how
   * many. The feed calls it when the venue's clock jumped back: those bars came from a timeline that
   * no longer exists and would be served as the newest instead of fresh data.
   */
  deleteFrom(interval: Interval, fromMs: number): Promise<number> {
    return this.enqueue(async () => {
      const days = await daysFrom(this.con, interval, fromMs);
      const del = await this.con.run("DELETE FROM bars WHERE interval = $1 AND open_time >= $2", [
        interval,
        fromMs,
      ]);
      for (const day of days) this.parquet?.mark(day);
      // A failed mirror stays dirty and is retried on the next write, as in afterWrite.
      if (this.parquet && days.length > 0) {
        await this.parquet.flush(this.con).catch(() => this.parquetErrors++);
      }
      return Number(del.rowsChanged);
    });
  }

  /** Rewrites every Parquet day file of the table (after a crash between commit and rewrite). */
  rebuildParquet(): Promise<string[]> {
    const pq = this.parquet;
    if (!pq) return Promise.resolve([]);
    return this.enqueue(async () => {
      for (const day of await allDays(this.con)) pq.mark(day);
      return await pq.flush(this.con);
    });
  }

  /** Runs `job` on the store's connection between queued writes (a consistent copy: store_export.ts). */
  exclusive<T>(job: (con: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.enqueue(() => job(this.con));
  }

  checkpoint(): Promise<void> {
    return this.enqueue(async () => {
      await this.con.run("CHECKPOINT");
      this.writesSinceCheckpoint = 0;
    });
  }

  /** Waits for queued work, checkpoints and closes. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => {});
    try {
      await this.con.run("CHECKPOINT");
    } finally {
      this.upsert.destroySync();
      this.insert.destroySync();
      this.con.closeSync();
      this.instance.closeSync();
    }
  }

  private async afterWrite(bars: readonly ClosedBar[]): Promise<void> {
    if (this.parquet) {
      for (const b of bars) this.parquet.mark(dayKeyOf(b.venue, b.symbol, b.interval, b.openTimeMs));
      try {
        await this.parquet.flush(this.con);
      } catch (err) {
        // The bar is committed in DuckDB; a failed mirror stays dirty and is retried on the next write.
        this.parquetErrors++;
        this.lastParquetError = err instanceof Error ? err.message : String(err);
      }
    }
    this.writesSinceCheckpoint += bars.length;
    if (this.writesSinceCheckpoint >= this.checkpointEvery) {
      await this.con.run("CHECKPOINT");
      this.writesSinceCheckpoint = 0;
    }
  }

  private enqueue<T>(job: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error("store: closed"));
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => {});
    return next;
  }
}

/** A limit that is not a count, as a rejected promise; null when it is fine. */
function badLimit(limit: number): Promise<never> | null {
  if (Number.isSafeInteger(limit) && limit >= 0) return null;
  return Promise.reject(new RangeError(`limit must be >= 0`));
}
