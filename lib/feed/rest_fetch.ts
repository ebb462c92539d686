// REST klines for backfill and bar checks: the adapter builds the URL and parses the body; this
// module does the fetch with a timeout and bounded retries with backoff (an effect at the edge).
import type { Interval, Symbol, Venue, VenueKline } from "../market/types.ts";
import { ADAPTERS } from "../venues/registry.ts";

export interface RestOptions {
  /** Venue -> REST base URL (adapter.endpoints(env).rest). */
  readonly bases: Readonly<Partial<Record<Venue, string>>>;
  /** Feed-clock now: REST rows count as closed once openTime + interval <= now. */
  readonly now: () => number;
  readonly fetch?: typeof fetch;
  /** Attempts per request (default 4) and the first backoff in wall ms (default 100, doubling). */
  readonly attempts?: number;
  readonly backoffMs?: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export class RestKlines {
  /** Requests made, failed attempts (HTTP, network or parse errors). */
  requests = 0;
  failures = 0;
  lastError = "";
  private readonly opts: RestOptions;

  constructor(opts: RestOptions) {
    this.opts = opts;
  }

  /**
   * Closed klines with open time in [startMs, endMs], oldest first. Retries with backoff; throws the
   * last error once the attempts are used up (the caller counts and gives up on that range).
   */
  async klines(
    venue: Venue,
    symbol: Symbol,
    interval: Interval,
    startMs: number,
    endMs: number,
  ): Promise<VenueKline[]> {
    const base = this.opts.bases[venue];
    if (!base) throw new RangeError(`no REST base URL for ${venue}`);
    const adapter = ADAPTERS[venue];
    const url = adapter.rest.url(base, symbol, interval, startMs, endMs);
    const attempts = this.opts.attempts ?? 4;
    const f = this.opts.fetch ?? fetch;
    let delay = this.opts.backoffMs ?? 100;
    for (let i = 1;; i++) {
      this.requests++;
      try {
        const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? 5000);
        const signal = this.opts.signal ? AbortSignal.any([this.opts.signal, timeout]) : timeout;
        const res = await f(url, { signal });
        const body = await res.text();
        if (!res.ok) throw new Error(`GET ${url} answered HTTP ${res.status}: ${body.slice(0, 200)}`);
        const rows = adapter.rest.parse(body, symbol, interval, this.opts.now());
        return rows.filter((k) => k.openTimeMs >= startMs && k.openTimeMs <= endMs);
      } catch (err) {
        this.failures++;
        this.lastError = err instanceof Error ? err.message : String(err);
        if (i >= attempts || this.opts.signal?.aborted) throw err;
      }
      await abortableSleep(delay, this.opts.signal);
      delay *= 2;
    }
  }
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const id = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(id);
      resolve();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
