// The venue's clock as seen from here (binance_trading.md §1 "Timing"): signed requests carry a
// `timestamp` the venue rejects (-1021) when it is ≥ 1 s ahead of its time or older than recvWindow.
// The offset comes from GET /api/v3/time, taken at the midpoint of the round trip; a -1021 or an old
// sample calls for a resync. Pure: local time is passed in.

export interface OffsetSample {
  /** serverTime - local midpoint of the request, ms. */
  readonly offsetMs: number;
  /** The round trip the sample took; its error is at most half of it. */
  readonly rttMs: number;
  readonly takenAtMs: number;
}

/** The offset from one GET /api/v3/time: sent at `sentMs`, answered `serverTime`, received at `recvMs`. */
export function offsetSample(sentMs: number, serverTime: number, recvMs: number): OffsetSample {
  const rttMs = Math.max(0, recvMs - sentMs);
  return { offsetMs: Math.round(serverTime - (sentMs + rttMs / 2)), rttMs, takenAtMs: recvMs };
}

/** Of several samples, the one with the shortest round trip (the least uncertain). */
export function bestSample(samples: readonly OffsetSample[]): OffsetSample | null {
  let best: OffsetSample | null = null;
  for (const s of samples) if (!best || s.rttMs < best.rttMs) best = s;
  return best;
}

export class VenueClock {
  #sample: OffsetSample | null = null;

  constructor(private readonly maxAgeMs = 30 * 60_000) {}

  set(sample: OffsetSample): void {
    this.#sample = sample;
  }

  /** Forget the sample (after a -1021): the next signed request resyncs first. */
  invalidate(): void {
    this.#sample = null;
  }

  /** True once a sample was taken (an old one is still the best estimate of the venue's clock). */
  get sampled(): boolean {
    return this.#sample !== null;
  }

  get offsetMs(): number {
    return this.#sample?.offsetMs ?? 0;
  }

  /** True when there is no sample or it is older than maxAgeMs. */
  stale(localNowMs: number): boolean {
    return this.#sample === null || localNowMs - this.#sample.takenAtMs > this.maxAgeMs;
  }

  /** The timestamp for a signed request made at local time `localNowMs`. */
  timestamp(localNowMs: number): number {
    return Math.round(localNowMs + this.offsetMs);
  }
}
