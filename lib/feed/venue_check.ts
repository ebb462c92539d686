// The commit path's REST check of one bar: the venue's own closed kline for it, asked a few times
// because right after our close the venue may not serve the bar yet. Null when it cannot say.
import type { Bar, VenueKline } from "../market/types.ts";
import { sleep as abortableSleep } from "../async/sleep.ts";
import type { RestKlineClient } from "./rest_fetch.ts";

/** Asks up to this often, waiting 250 then 500 ms between asks. */
export const CHECK_ASKS = 3;
const CHECK_RETRY_MS = 250;

export function venueBarCheck(
  rest: Pick<RestKlineClient, "klines">,
  signal: AbortSignal,
): (bar: Bar) => Promise<VenueKline | null> {
  return async (b) => {
    for (let i = 0; i < CHECK_ASKS && !signal.aborted; i++) {
      if (i > 0) await abortableSleep(CHECK_RETRY_MS * i, signal);
      try {
        const rows = await rest.klines(b.venue, b.symbol, b.interval, b.openTimeMs, b.openTimeMs);
        const k = rows.find((k) => k.openTimeMs === b.openTimeMs);
        if (k) return k;
      } catch {
        return null; // a failed request: the committer asks again later (retryUnconfirmed)
      }
    }
    return null;
  };
}
