// The bars a backtest runs over: one stream of the feed's DuckDB store, open times in [from, to), oldest
// first, read in pages through the read-only BarReader (the store is never created, migrated or
// checkpointed). A store that is not there, cannot be opened (the running feed holds its lock) or has no
// bar in the range is one line naming what to fix (ConfigError / EnvironmentError: exit 2).
import type { ClosedBar, Interval, SymbolName, Venue } from "../market/types.ts";
import { BarReader } from "../store/bar_reader.ts";
import type { StoreRegistry } from "../store/store_schema.ts";
import { ConfigError, EnvironmentError, SchemaTooNewError } from "../util/errors.ts";

const PAGE = 10_000;

export async function loadBars(
  db: string,
  venue: Venue,
  symbol: SymbolName,
  interval: Interval,
  fromMs: number | null,
  toMs: number | null,
  registry?: StoreRegistry,
): Promise<ClosedBar[]> {
  // A typo in --db is the operator's to fix: named with the flag (BarReader would only say it is missing).
  const info = await Deno.stat(db).catch(() => null);
  if (!info?.isFile) throw new ConfigError(`store ${db} not found (the feed's STORE_PATH; give --db PATH)`);
  let store: BarReader;
  try {
    // A reader: an older store is read as it is (never migrated here), a newer one refused.
    store = await BarReader.open(db, {}, registry);
  } catch (err) {
    if (err instanceof SchemaTooNewError) throw err;
    const msg = err instanceof Error ? err.message.split("\n")[0] : String(err);
    throw new EnvironmentError(`cannot open store ${db} (a running feed holds it open?): ${msg}`);
  }
  try {
    const bars: ClosedBar[] = [];
    let after = (fromMs ?? Number.MIN_SAFE_INTEGER + 1) - 1;
    for (;;) {
      const page = await store.barsAfter(venue, symbol, interval, after, PAGE);
      const keep = toMs === null ? page : page.filter((b) => b.openTimeMs < toMs);
      bars.push(...keep);
      if (page.length < PAGE || keep.length < page.length) break;
      after = page[page.length - 1].openTimeMs;
    }
    if (bars.length === 0) {
      const span = await store.span(venue, symbol, interval);
      const iso = (ms: number | null) => ms === null ? "-" : new Date(ms).toISOString();
      const stored = span ? `stored ${iso(span.firstMs)} .. ${iso(span.lastMs)}` : "none stored";
      throw new ConfigError(
        `no ${interval} bars of ${venue} ${symbol} with open time in [${iso(fromMs)}, ${
          iso(toMs)
        }) in ${db} (${stored})`,
      );
    }
    return bars;
  } finally {
    store.close();
  }
}
