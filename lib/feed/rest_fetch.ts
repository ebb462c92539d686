// REST klines for backfill and bar checks: the adapter builds the URL and parses the body; this
// module does the fetch with a timeout and bounded retries with backoff (an effect at the edge).
import type { Interval, SymbolName, Venue, VenueKline } from "../market/types.ts";
import { ADAPTERS } from "../venues/registry.ts";
import { backoffDelayMs } from "../async/backoff.ts";
import { sleep } from "../async/sleep.ts";

/**
 * Bars one kline request can return: the `limit` each adapter's URL asks for (Binance and Bybit
 * 1000, OKX candles 300) or the venue's own cap (Kraken answers the newest 720, whatever `since`).
 * Backfill pages longer ranges by this.
 */
export const REST_PAGE_BARS: Readonly<Record<Venue, number>> = {
  binance: 1000,
  bybit: 1000,
  okx: 300,
  kraken: 720,
};

/** HTTP 429 (rate limit) or 418 (IP ban, Binance): no retry until `retryAfterMs` (wall) has passed. */
export class RestRateLimited extends Error {
  constructor(message: string, readonly retryAfterMs: number) {
    super(message);
    this.name = "RestRateLimited";
  }
}

/** Retry-After in wall ms (seconds or an HTTP date); `fallbackMs` when absent or unreadable. */
export function retryAfterMs(header: string | null, wallNowMs: number, fallbackMs: number): number {
  if (header === null || header.trim() === "") return fallbackMs;
  const secs = Number(header);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - wallNowMs) : fallbackMs;
}

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
  /** Wall clock for rate-limit holds (default Date.now). */
  readonly wallNow?: () => number;
}

export class RestKlineClient {
  /** Requests made, failed attempts (HTTP, network or parse errors). */
  requests = 0;
  failures = 0;
  lastError = "";
  /** Answers 429/418 received. */
  rateLimited = 0;
  private readonly opts: RestOptions;
  /** Venue -> wall ms before which no request is sent (after a 429/418). */
  private readonly holdUntil = new Map<Venue, number>();

  constructor(opts: RestOptions) {
    this.opts = opts;
  }

  /**
   * Closed klines with open time in [startMs, endMs], oldest first. Retries with backoff; throws the
   * last error once the attempts are used up (the caller keeps the range and asks again later).
   * A 429/418 is not retried here: it throws RestRateLimited and holds the venue until Retry-After.
   */
  async klines(
    venue: Venue,
    symbol: SymbolName,
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
    const wallNow = this.opts.wallNow ?? Date.now;
    for (let i = 1;; i++) {
      const held = (this.holdUntil.get(venue) ?? 0) - wallNow();
      if (held > 0) {
        throw new RestRateLimited(`${venue} REST held for ${Math.ceil(held)} ms (rate limit)`, held);
      }
      this.requests++;
      try {
        const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? 5000);
        const signal = this.opts.signal ? AbortSignal.any([this.opts.signal, timeout]) : timeout;
        const res = await f(url, { signal });
        const body = await res.text();
        if (res.status === 429 || res.status === 418) {
          this.rateLimited++;
          // Binance bans for minutes to days after ignored 429s: honour Retry-After, at least 1 s.
          const wait = Math.max(1000, retryAfterMs(res.headers.get("retry-after"), wallNow(), 60_000));
          this.holdUntil.set(venue, wallNow() + wait);
          throw new RestRateLimited(`GET ${url} answered HTTP ${res.status}: ${body.slice(0, 200)}`, wait);
        }
        if (!res.ok) throw new Error(`GET ${url} answered HTTP ${res.status}: ${body.slice(0, 200)}`);
        const rows = adapter.rest.parse(body, symbol, interval, this.opts.now());
        return rows.filter((k) => k.openTimeMs >= startMs && k.openTimeMs <= endMs);
      } catch (err) {
        this.failures++;
        this.lastError = err instanceof Error ? err.message : String(err);
        if (i >= attempts || this.opts.signal?.aborted || err instanceof RestRateLimited) throw err;
      }
      // Doubling from backoffMs, uncapped: the attempts bound it.
      await sleep(
        backoffDelayMs(i - 1, { baseMs: this.opts.backoffMs ?? 100, maxMs: Infinity, jitter: "none" }),
        this.opts.signal,
      );
    }
  }
}
