// The bar store's reads over its DuckDB connection: pages of a stream's bars, counts, spans, open
// times, and the Parquet day files that hold bars. BarStore runs each in its queue.
import type { DuckDBConnection } from "@duckdb/node-api";
import type { ClosedBar, Interval, SymbolName, Venue } from "../market/types.ts";
import { rowToBar } from "./bar_row.ts";
import { type DayKey, dayKeyOf } from "./parquet_export.ts";

/** Which bars countBars counts: any venue / symbol / interval unless given; open times in [fromMs, toMs). */
export interface BarFilter {
  venue?: Venue;
  symbol?: SymbolName;
  interval?: Interval;
  fromMs?: number;
  toMs?: number;
}

/** Open times of a stream's first and last stored bars. */
export interface Span {
  firstMs: number;
  lastMs: number;
}

export async function recentBars(
  con: DuckDBConnection,
  venue: Venue,
  symbol: SymbolName,
  interval: Interval,
  limit: number,
): Promise<ClosedBar[]> {
  const r = await con.runAndReadAll(
    `SELECT * FROM (SELECT * FROM bars WHERE venue = $1 AND symbol = $2 AND interval = $3
       ORDER BY open_time DESC LIMIT $4) ORDER BY open_time`,
    [venue, symbol, interval, limit],
  );
  return r.getRowObjectsJS().map(rowToBar);
}

export async function barsAfter(
  con: DuckDBConnection,
  venue: Venue,
  symbol: SymbolName,
  interval: Interval,
  afterMs: number,
  limit: number,
): Promise<ClosedBar[]> {
  const r = await con.runAndReadAll(
    `SELECT * FROM bars WHERE venue = $1 AND symbol = $2 AND interval = $3 AND open_time > $4
       ORDER BY open_time LIMIT $5`,
    [venue, symbol, interval, afterMs, limit],
  );
  return r.getRowObjectsJS().map(rowToBar);
}

/** A stream's bars opening in [fromMs, toMs), oldest first. */
export async function barsBetween(
  con: DuckDBConnection,
  venue: Venue,
  symbol: SymbolName,
  interval: Interval,
  fromMs: number,
  toMs: number,
): Promise<ClosedBar[]> {
  const r = await con.runAndReadAll(
    `SELECT * FROM bars WHERE venue = $1 AND symbol = $2 AND interval = $3 AND open_time >= $4
       AND open_time < $5 ORDER BY open_time`,
    [venue, symbol, interval, fromMs, toMs],
  );
  return r.getRowObjectsJS().map(rowToBar);
}

/** The latest `limit` bars of a stream opening before `beforeMs`, oldest first. */
export async function barsBefore(
  con: DuckDBConnection,
  venue: Venue,
  symbol: SymbolName,
  interval: Interval,
  beforeMs: number,
  limit: number,
): Promise<ClosedBar[]> {
  const r = await con.runAndReadAll(
    `SELECT * FROM (SELECT * FROM bars WHERE venue = $1 AND symbol = $2 AND interval = $3
       AND open_time < $4 ORDER BY open_time DESC LIMIT $5) ORDER BY open_time`,
    [venue, symbol, interval, beforeMs, limit],
  );
  return r.getRowObjectsJS().map(rowToBar);
}

export async function countBars(con: DuckDBConnection, filter: BarFilter): Promise<number> {
  const r = await con.runAndReadAll(
    `SELECT count(*) AS n FROM bars WHERE ($1 IS NULL OR venue = $1) AND ($2 IS NULL OR symbol = $2)
       AND ($3 IS NULL OR interval = $3) AND ($4 IS NULL OR open_time >= $4)
       AND ($5 IS NULL OR open_time < $5)`,
    [
      filter.venue ?? null,
      filter.symbol ?? null,
      filter.interval ?? null,
      filter.fromMs ?? null,
      filter.toMs ?? null,
    ],
  );
  return Number(r.getRowObjectsJS()[0].n);
}

export async function span(
  con: DuckDBConnection,
  venue: Venue,
  symbol: SymbolName,
  interval: Interval,
): Promise<Span | null> {
  const r = await con.runAndReadAll(
    `SELECT min(open_time) AS f, max(open_time) AS l FROM bars
       WHERE venue = $1 AND symbol = $2 AND interval = $3`,
    [venue, symbol, interval],
  );
  const row = r.getRowObjectsJS()[0];
  return row.f === null ? null : { firstMs: Number(row.f), lastMs: Number(row.l) };
}

export async function openTimes(
  con: DuckDBConnection,
  venue: Venue,
  symbol: SymbolName,
  interval: Interval,
  fromMs: number,
  toMs: number,
): Promise<number[]> {
  const r = await con.runAndReadAll(
    `SELECT open_time AS t FROM bars WHERE venue = $1 AND symbol = $2 AND interval = $3
       AND open_time >= $4 AND open_time < $5 ORDER BY open_time`,
    [venue, symbol, interval, fromMs, toMs],
  );
  return r.getRowObjectsJS().map((row) => Number(row.t));
}

/** The day files holding one interval's bars opening at or after `fromMs`. */
export async function daysFrom(con: DuckDBConnection, interval: Interval, fromMs: number): Promise<DayKey[]> {
  const r = await con.runAndReadAll(
    `SELECT DISTINCT venue, symbol, open_time - (open_time % 86400000) AS day FROM bars
       WHERE interval = $1 AND open_time >= $2`,
    [interval, fromMs],
  );
  return r.getRowObjectsJS().map((row) =>
    dayKeyOf(row.venue as Venue, row.symbol as SymbolName, interval, Number(row.day))
  );
}

/** The day files holding any bar. */
export async function allDays(con: DuckDBConnection): Promise<DayKey[]> {
  const r = await con.runAndReadAll(
    "SELECT DISTINCT venue, symbol, interval, open_time - (open_time % 86400000) AS day FROM bars",
  );
  return r.getRowObjectsJS().map((row) =>
    dayKeyOf(row.venue as Venue, row.symbol as SymbolName, row.interval as Interval, Number(row.day))
  );
}
