// One closed bar upserted into the store, retried a few times on a failing write (a busy file, a
// transient DuckDB error); an invalid bar (RangeError) is not retried. Never throws: false and one
// error line when the bar could not be stored.
import type { Logger } from "../log.ts";
import type { ClosedBar } from "../market/types.ts";

export const STORE_ATTEMPTS = 3;

/** The store operations the commit path needs (both BarStoreApi stores satisfy it). */
export interface BarSink {
  upsertBar(bar: ClosedBar): Promise<void>;
}

export async function upsertWithRetries(
  store: BarSink,
  bar: ClosedBar,
  log: Logger,
  attempts = STORE_ATTEMPTS,
): Promise<boolean> {
  for (let i = 1;; i++) {
    try {
      await store.upsertBar(bar);
      return true;
    } catch (err) {
      if (i >= attempts || err instanceof RangeError) {
        log("error", "bar not stored", { error: String(err), venue: bar.venue, symbol: bar.symbol });
        return false;
      }
    }
  }
}
