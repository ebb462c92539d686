// Warm-up history from the feed: GET <feed>/api/bars?venue=&symbol=&interval=&limit= (oldest first).
import type { ClosedBar } from "../market/types.ts";
import { isForSeries, parseClosedBar, type SeriesKey } from "./feed_schema.ts";

export interface History {
  /** Valid bars of our series, strictly ascending by openTimeMs. */
  readonly bars: readonly ClosedBar[];
  /** Entries dropped: invalid, another series, or out of order / duplicate. */
  readonly dropped: number;
  /** The first reason something was dropped, for the log ("" when nothing was). */
  readonly firstError: string;
}

export function historyUrl(feedUrl: string, k: SeriesKey, limit: number): string {
  const u = new URL("/api/bars", feedUrl);
  u.searchParams.set("venue", k.venue);
  u.searchParams.set("symbol", k.symbol);
  u.searchParams.set("interval", k.interval);
  u.searchParams.set("limit", String(limit));
  return u.href;
}

/** Checks a decoded /api/bars body; pure, so tests feed it bad bodies directly. */
export function readHistory(body: unknown, k: SeriesKey): History {
  if (!Array.isArray(body)) throw new TypeError("/api/bars did not return a JSON array");
  const bars: ClosedBar[] = [];
  let dropped = 0;
  let firstError = "";
  const drop = (why: string) => {
    dropped++;
    if (!firstError) firstError = why;
  };
  for (const item of body) {
    if (!isForSeries(item, k)) {
      drop("a bar of another series");
      continue;
    }
    const r = parseClosedBar(item);
    if (!r.ok) {
      drop(r.error);
      continue;
    }
    const last = bars.at(-1);
    if (last && r.value.openTimeMs <= last.openTimeMs) {
      drop(`bar ${r.value.openTimeMs} is not after ${last.openTimeMs}`);
      continue;
    }
    bars.push(r.value);
  }
  return { bars, dropped, firstError };
}

/** Fetches and checks history; throws (a failed attempt) when the feed is unreachable or answers non-2xx. */
export async function fetchHistory(
  feedUrl: string,
  k: SeriesKey,
  limit: number,
  signal: AbortSignal,
): Promise<History> {
  const res = await fetch(historyUrl(feedUrl, k, limit), { signal, headers: { accept: "application/json" } });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`/api/bars answered HTTP ${res.status}`);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch (err) {
    throw new Error(`/api/bars body is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return readHistory(body, k);
}
