// Warm start of the indicators: on start with an existing store, every stream's stored bars go
// through its feature stage, oldest first, before the first new bar. EMA, RSI and ATR depend on the
// whole history (TA-Lib seeding), so all stored bars of the stream are read, page by page: the
// features of every bar stored from then on (restart backfill included) equal a fresh feature run
// over the stored bars. Bars above an interior hole the restart backfill fills are held until the
// hole's bars are in (see BarCommitter.prime).
import type { Logger } from "../log.ts";
import type { BarStoreApi } from "../store/bar_store_api.ts";
import type { BarCommitter } from "./commit.ts";
import type { StreamHoles, StreamRef } from "./store_holes.ts";
import { streamKey } from "../features/feature_stage.ts";

/** Bars read per query: bounds memory whatever the store's size. */
const PAGE = 5000;

export async function primeFeatures(
  store: Pick<BarStoreApi, "barsAfter">,
  committer: Pick<BarCommitter, "prime">,
  streams: readonly StreamRef[],
  holes: readonly StreamHoles[],
  log?: Logger,
): Promise<number> {
  const firstHole = new Map(holes.filter((h) => h.holes.length > 0).map((h) => [streamKey(h), h.holes[0]]));
  let total = 0;
  for (const st of streams) {
    let after = Number.MIN_SAFE_INTEGER;
    let n = 0;
    for (;;) {
      const page = await store.barsAfter(st.venue, st.symbol, st.interval, after, PAGE);
      if (page.length === 0) break;
      await committer.prime(page, firstHole.get(streamKey(st)));
      n += page.length;
      after = page[page.length - 1].openTimeMs;
      if (page.length < PAGE) break;
    }
    if (n > 0) log?.("info", "features primed from the store", { ...st, bars: n });
    total += n;
  }
  return total;
}
