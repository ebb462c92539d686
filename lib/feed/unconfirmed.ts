// Suspect bars whose REST check failed (a venue error, a bar not served yet), per stream: a failed
// check must not leave a bar with lost trades stored for good, so each is asked again on retry()
// until it is settled or has used up its asks.
export const MAX_UNCONFIRMED_ASKS = 10;

/** What one more ask found: settled (confirmed, corrected or no longer there) or failed again. */
export type Ask = "settled" | "failed";

export class UnconfirmedBars<S> {
  /** stream -> open time -> failed asks so far. */
  private readonly byStream = new Map<S, Map<number, number>>();
  private readonly maxAsks: number;

  constructor(maxAsks = MAX_UNCONFIRMED_ASKS) {
    this.maxAsks = maxAsks;
  }

  /** Streams with a bar still to confirm. */
  get streams(): number {
    return this.byStream.size;
  }

  /** Bars still to confirm. */
  get bars(): number {
    let n = 0;
    for (const m of this.byStream.values()) n += m.size;
    return n;
  }

  /** A bar's check failed; a bar already waiting keeps its ask count. */
  add(stream: S, openTimeMs: number): void {
    let m = this.byStream.get(stream);
    if (!m) this.byStream.set(stream, m = new Map());
    if (!m.has(openTimeMs)) m.set(openTimeMs, 0);
  }

  /** Asks once more for every waiting bar, in order; a bar is dropped once settled or out of asks. */
  async retry(ask: (stream: S, openTimeMs: number) => Promise<Ask>): Promise<void> {
    for (const [s, opens] of this.byStream) {
      for (const [openTimeMs, asks] of opens) {
        if (await ask(s, openTimeMs) === "settled" || asks + 1 >= this.maxAsks) opens.delete(openTimeMs);
        else opens.set(openTimeMs, asks + 1);
      }
      if (opens.size === 0) this.byStream.delete(s);
    }
  }

  clear(): void {
    this.byStream.clear();
  }
}
