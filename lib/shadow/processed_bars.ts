// The bars the shadow runner has processed (decided or primed), to tell a new bar from a resend and
// from a correction: the feed re-publishes a bar under the same key when it corrects it (REST repair,
// restated features). Dedupe is by openTimeMs against the last bar processed.
import type { ClosedBar } from "../market/types.ts";

/** Processed bars remembered to tell a correction from a resend (the feed restates at most 180). */
const REMEMBER = 512;

/** "new": after the last processed bar; "corrected": processed, but its values changed since. */
export type Seen = "new" | "duplicate" | "corrected";

export class ProcessedBars {
  /** openTimeMs of the last bar processed. */
  #last: number | null;
  /** openTimeMs -> fingerprint of the bars processed lately (insertion order = open-time order). */
  readonly #seen = new Map<number, string>();

  constructor(last: number | null) {
    this.#last = last;
  }

  /** openTimeMs of the last bar processed; null before any. */
  get last(): number | null {
    return this.#last;
  }

  /** Whether a bar is new, a resend, or a correction (then remembered with its new values). */
  classify(bar: ClosedBar): Seen {
    if (this.#last === null || bar.openTimeMs > this.#last) return "new";
    const was = this.#seen.get(bar.openTimeMs);
    const now = fingerprint(bar);
    // One processed too long ago to remember (or before a restart) counts as a resend.
    if (was === undefined || was === now) return "duplicate";
    this.#seen.set(bar.openTimeMs, now);
    return "corrected";
  }

  add(bar: ClosedBar): void {
    this.#last = bar.openTimeMs;
    this.#seen.set(bar.openTimeMs, fingerprint(bar));
    if (this.#seen.size > REMEMBER) this.#seen.delete(this.#seen.keys().next().value!);
  }
}

/** What a correction can change: the OHLCV, the trade count and the features. */
function fingerprint(b: ClosedBar): string {
  const f = b.features;
  return `${b.o},${b.h},${b.l},${b.c},${b.v},${b.trades},${f.ema_12},${f.ema_26},${f.sma_20},${f.rsi_14},${f.atr_14},${f.vwap_session_utc}`;
}
