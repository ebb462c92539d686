// Chaos `holdSignedReads`: a venue whose read path is stalled. Signed REST GETs (openOrders, myTrades,
// account, an order query) are not answered while the knob is set; once a re-read of the chaos file
// drops it they go on, in arrival order, against the venue as it is then. Lets a test or a proof hold a
// client in the middle of a reconciliation for as long as it needs, then let it finish: a condition, not
// a race against wall time. One chaos-log line per held call (its route, never its parameters) and one
// per release.
import type { ChaosSink } from "./chaos_ack.ts";

export class ReadHold {
  readonly #holding: () => boolean;
  readonly #log: ChaosSink;
  #held: (() => void)[] = [];

  constructor(holding: () => boolean, log: ChaosSink) {
    this.#holding = holding;
    this.#log = log;
  }

  /** How many reads wait now. */
  get size(): number {
    return this.#held.length;
  }

  /** Null when the read may go on now, else a promise settled when the hold is lifted. */
  hold(route: string): Promise<void> | null {
    if (!this.#holding()) return null;
    this.#log({ kind: "read_held", venue: "binance", route, held: this.#held.length + 1 });
    return new Promise((resolve) => this.#held.push(resolve));
  }

  /**
   * Call when the chaos config may have changed: releases every held read, in arrival order, once the
   * knob is off (or at once with `force`: a stopping venue answers what it held). How many went on.
   */
  release(force = false): number {
    if (this.#held.length === 0 || (!force && this.#holding())) return 0;
    const held = this.#held;
    this.#held = [];
    this.#log({ kind: "reads_released", venue: "binance", count: held.length, ...(force ? { force } : {}) });
    for (const go of held) go();
    return held.length;
  }
}
