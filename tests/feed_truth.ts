// Ground truth for the feed's end-to-end tests: the simulator's --ground-truth trades aggregated
// into bars here (independently of lib/bars), and a comparison with stored bars.
import { DuckDBInstance } from "@duckdb/node-api";
import { type ClosedBar, type Interval, INTERVALS } from "../lib/market/types.ts";
import { FeatureStream, sameFeatures, streamKey } from "../lib/features/feature_stage.ts";
import { barEventId } from "../lib/feed/bar_stream.ts";
import { rowToBar } from "../lib/store/bar_row.ts";

export interface TruthBar {
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
  n: number;
  firstMs: number;
  lastMs: number;
}

export const key = (venue: string, symbol: string, interval: string, open: number) =>
  `${venue}|${symbol}|${interval}|${open}`;

/** venue|symbol|interval|open -> bar, from the simulator's ground-truth JSONL (file order). */
export function truthBars(
  path: string,
  intervals: readonly Interval[] = ["1m", "1h"],
): Map<string, TruthBar> {
  const out = new Map<string, TruthBar>();
  for (const line of Deno.readTextFileSync(path).split("\n")) {
    if (!line) continue;
    const t = JSON.parse(line) as {
      venue: string;
      symbol: string;
      price: number;
      size: number;
      venueTimeMs: number;
    };
    for (const iv of intervals) {
      const open = t.venueTimeMs - (t.venueTimeMs % INTERVALS[iv]);
      const k = key(t.venue, t.symbol, iv, open);
      const b = out.get(k);
      if (!b) {
        out.set(k, {
          o: t.price,
          h: t.price,
          l: t.price,
          c: t.price,
          v: t.size,
          n: 1,
          firstMs: t.venueTimeMs,
          lastMs: t.venueTimeMs,
        });
        continue;
      }
      if (t.price > b.h) b.h = t.price;
      if (t.price < b.l) b.l = t.price;
      if (t.venueTimeMs < b.firstMs) [b.o, b.firstMs] = [t.price, t.venueTimeMs];
      if (t.venueTimeMs >= b.lastMs) [b.c, b.lastMs] = [t.price, t.venueTimeMs];
      b.v += t.size;
      b.n++;
    }
  }
  return out;
}

/** Every stored row, oldest first per stream. */
export async function storedBars(path: string): Promise<ClosedBar[]> {
  const db = await DuckDBInstance.create(path);
  const con = await db.connect();
  try {
    const r = await con.runAndReadAll("SELECT * FROM bars ORDER BY venue, symbol, interval, open_time");
    return r.getRowObjectsJS().map(rowToBar);
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

/** Stored bars (oldest first per stream) whose features differ from a fresh run over the stored bars. */
export function staleFeatures(bars: readonly ClosedBar[]): string[] {
  const streams = new Map<string, FeatureStream>();
  const bad: string[] = [];
  for (const b of bars) {
    const k = streamKey(b);
    if (!streams.has(k)) streams.set(k, new FeatureStream());
    const f = streams.get(k)!.close(b).features;
    if (!sameFeatures(f, b.features)) {
      bad.push(`${barEventId(b)} stored ${JSON.stringify(b.features)} fresh ${JSON.stringify(f)}`);
    }
  }
  return bad;
}

/** Rows per (venue, symbol, interval, open_time) above one: must be none. */
export async function duplicateKeys(path: string): Promise<number> {
  const db = await DuckDBInstance.create(path);
  const con = await db.connect();
  try {
    const r = await con.runAndReadAll(
      "SELECT count(*) AS n FROM (SELECT venue, symbol, interval, open_time FROM bars GROUP BY ALL HAVING count(*) > 1)",
    );
    return Number(r.getRowObjectsJS()[0].n);
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

/** Venues whose REST klines carry a trade count (a backfilled bar's count is known there only). */
const REST_COUNTS = new Set(["binance", "kraken"]);

/**
 * Differences between stored bars and the truth: OHLC exact, volume within 1e-9 relative (sums of
 * the same sizes in another order or REST's exact decimal), trades exact where known.
 */
export function compare(bars: readonly ClosedBar[], truth: Map<string, TruthBar>): string[] {
  const bad: string[] = [];
  for (const b of bars) {
    const t = truth.get(key(b.venue, b.symbol, b.interval, b.openTimeMs));
    const id = `${b.venue} ${b.symbol} ${b.interval} ${new Date(b.openTimeMs).toISOString()} (${b.origin})`;
    if (!t) {
      if (b.v !== 0 || b.trades !== 0 || b.o !== b.c || b.h !== b.l) {
        bad.push(`${id}: no trades in truth, got ${JSON.stringify(b)}`);
      }
      continue;
    }
    const ours = [b.o, b.h, b.l, b.c];
    const want = [t.o, t.h, t.l, t.c];
    if (ours.some((x, i) => x !== want[i])) bad.push(`${id}: ohlc ${ours} want ${want}`);
    if (Math.abs(b.v - t.v) > 1e-9 * Math.max(b.v, t.v)) bad.push(`${id}: v ${b.v} want ${t.v}`);
    const countKnown = b.origin !== "backfill" || REST_COUNTS.has(b.venue);
    if (countKnown && b.trades !== t.n) bad.push(`${id}: trades ${b.trades} want ${t.n}`);
  }
  return bad;
}
