// The bar store as its callers use it (the feed's commit path, restart scan and feature priming, the
// operator page's recent bars, backtests' reads), with two implementations: the embedded DuckDB
// BarStore (bar_store.ts, which satisfies it as it is) and PgBarStore (pg_bar_store.ts). One contract
// test suite runs against both (bar_store_contract_test.ts). DuckDB-only operations (exclusive access
// to its connection for EXPORT DATABASE, CHECKPOINT, the Parquet mirror) are not part of it.
import type { ClosedBar, Interval, SymbolName, Venue } from "../market/types.ts";
import type { BarFilter, Span } from "./bar_queries.ts";

export type { BarFilter, Span };

export interface BarStoreApi {
  /** Stores one closed bar, replacing a stored one with the same key; resolves once committed. RangeError: invalid bar. */
  upsertBar(bar: ClosedBar): Promise<void>;
  /** Stores a batch in one transaction: all of it or none of it (a later copy of a key wins). */
  upsertBars(bars: readonly ClosedBar[]): Promise<void>;
  /** The latest `limit` bars of a stream, oldest first, with their features. */
  recentBars(venue: Venue, symbol: SymbolName, interval: Interval, limit: number): Promise<ClosedBar[]>;
  /** Up to `limit` bars of a stream opening after `afterMs`, oldest first. */
  barsAfter(
    venue: Venue,
    symbol: SymbolName,
    interval: Interval,
    afterMs: number,
    limit: number,
  ): Promise<ClosedBar[]>;
  /** Number of stored bars matching the filter (open times in [fromMs, toMs)). */
  countBars(filter?: BarFilter): Promise<number>;
  /** Open times of a stream's first and last stored bars, or null when it has none. */
  span(venue: Venue, symbol: SymbolName, interval: Interval): Promise<Span | null>;
  /** Stored open times of a stream in [fromMs, toMs), ascending. */
  openTimes(
    venue: Venue,
    symbol: SymbolName,
    interval: Interval,
    fromMs: number,
    toMs: number,
  ): Promise<number[]>;
  /** Deletes one interval's bars opening at or after `fromMs`; returns how many. */
  deleteFrom(interval: Interval, fromMs: number): Promise<number>;
  /** Waits for work in flight and closes. Idempotent. */
  close(): Promise<void>;
}

/** Where a consumer of a stream (the bus's bars) got to: its name and the last stream sequence applied. */
export interface StreamPosition {
  readonly consumer: string;
  readonly seq: number;
}

/**
 * A store a bus consumer writes through (issue 14's store writer): the bars and the position they came
 * from land in one transaction, so after a crash the writer resumes from exactly what is stored.
 * PostgreSQL only for now: the DuckDB store has no bus consumer.
 */
export interface PositionedBarStore extends BarStoreApi {
  /**
   * Upserts `bars` and records `at` as the consumer's last applied sequence in the same transaction.
   * A position never moves back (a redelivered older batch leaves it where it is).
   */
  upsertBarsAt(bars: readonly ClosedBar[], at: StreamPosition): Promise<void>;
  /** The consumer's last applied sequence, or null before its first batch. */
  lastSequence(consumer: string): Promise<number | null>;
}
