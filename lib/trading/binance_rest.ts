// Binance signed REST transport (binance_trading.md §1, §4): X-MBX-APIKEY header, timestamp from the
// venue's clock, recvWindow, HMAC signature over the exact bytes sent; every answer's rate-limit
// headers booked, Retry-After honoured before anything goes out again; a -1021 forces a clock resync.
// Effects (fetch, now) are injected. Errors and causes never carry the key, the secret or a signature.
import { ConfigError } from "../util/errors.ts";
import { classify, transportOutcome } from "./binance_outcome.ts";
import { parseServerTime } from "./binance_parse.ts";
import { encodeParams, type Params, signRest } from "./binance_sign.ts";
import { offsetSample, VenueClock } from "./clock_offset.ts";
import type { ApiCredentials } from "./credentials.ts";
import {
  BINANCE_SPOT_LIMITS,
  defaultHoldUntil,
  RateLimitBook,
  type RateLimitConfig,
  retryAfterSec,
} from "./rate_limits.ts";
import type { Outcome } from "./venue.ts";

/** The client's wait for an answer: past the venue's own 10 s engine timeout (-1007), so ours ends last. */
export const DEFAULT_REST_TIMEOUT_MS = 11_000;

/** The wait a connector on this config uses: the loop's in-flight timings must outlast it (live/config.ts). */
export const restTimeoutMs = (cfg: RestConfig): number => cfg.timeoutMs ?? DEFAULT_REST_TIMEOUT_MS;

export interface RestConfig {
  /** Up to the host and prefix, without `/api`: `https://api.binance.com`, `http://127.0.0.1:8765/binance`. */
  readonly baseUrl: string;
  /** Default 5000 (the venue's default); at most 60000. */
  readonly recvWindowMs?: number;
  /** Client-side wait for an answer (ms); default DEFAULT_REST_TIMEOUT_MS. */
  readonly timeoutMs?: number;
  readonly limits?: RateLimitConfig;
}

export interface RestEffects {
  readonly fetch: typeof fetch;
  readonly now: () => number;
}

export type Method = "GET" | "POST" | "DELETE";

export interface CallOptions {
  readonly signed: boolean;
  /** Counts against the order limits (place). */
  readonly isOrder?: boolean;
}

export class BinanceRest {
  readonly clock = new VenueClock();
  readonly limits: RateLimitBook;
  readonly #recvWindowMs: number;
  /** How long a request waits for its answer before its outcome is ambiguous (ms). */
  readonly timeoutMs: number;
  readonly #base: string;

  constructor(cfg: RestConfig, private readonly creds: ApiCredentials, private readonly fx: RestEffects) {
    const rw = cfg.recvWindowMs ?? 5000;
    if (!(rw > 0 && rw <= 60_000)) throw new ConfigError(`recvWindow must be in (0, 60000] ms, got ${rw}`);
    if (!/^https?:\/\/[^/]+/.test(cfg.baseUrl)) {
      throw new ConfigError(`REST base URL is not http(s): ${cfg.baseUrl}`);
    }
    this.#recvWindowMs = rw;
    this.timeoutMs = restTimeoutMs(cfg);
    if (!(this.timeoutMs > 0)) throw new ConfigError(`REST timeout must be > 0 ms, got ${this.timeoutMs}`);
    this.#base = cfg.baseUrl.replace(/\/+$/, "");
    this.limits = new RateLimitBook(cfg.limits ?? BINANCE_SPOT_LIMITS);
  }

  /** GET /api/v3/time: sets the clock offset; answers the server time. */
  async syncClock(): Promise<Outcome<number>> {
    const sent = this.fx.now();
    const out = await this.call("GET", "/api/v3/time", {}, parseServerTime, { signed: false });
    if (out.kind === "confirmed") this.clock.set(offsetSample(sent, out.value, this.fx.now()));
    return out;
  }

  /**
   * One request. A signed one rejected with -1021 (proved not executed) is resent once after a clock
   * resync: the same parameters, so a place keeps its client order id.
   */
  async call<T>(
    method: Method,
    path: string,
    params: Params,
    parse: (json: unknown) => T,
    opts: CallOptions,
  ): Promise<Outcome<T>> {
    const once = () => this.#once(method, path, params, parse, opts);
    const out = await once();
    if (!(opts.signed && out.kind === "rejected" && out.code === -1021)) return out;
    return (await this.syncClock()).kind === "confirmed" ? await once() : out;
  }

  async #once<T>(
    method: Method,
    path: string,
    params: Params,
    parse: (json: unknown) => T,
    opts: CallOptions,
  ): Promise<Outcome<T>> {
    const held = (): Outcome<T> | null => {
      const at = this.fx.now(), hold = this.limits.holdUntil(at, opts.isOrder ?? false);
      if (hold === null) return null;
      const msg = `held back until ${new Date(hold).toISOString()} (Retry-After or a full rate-limit window)`;
      return {
        kind: "rejected",
        reason: "rate_limited",
        code: null,
        msg,
        httpStatus: null,
        retryAtMs: hold,
        retryInMs: Math.max(0, hold - at),
        local: true,
      };
    };
    const before = held();
    if (before) return before;
    if (opts.signed && this.clock.stale(this.fx.now())) {
      await this.syncClock();
      // The sync itself may have been refused with a Retry-After: then the signed call waits too.
      const after = held();
      if (after) return after;
    }
    let payload = encodeParams(params);
    if (opts.signed) {
      const auth = encodeParams({
        recvWindow: this.#recvWindowMs,
        timestamp: this.clock.timestamp(this.fx.now()),
      });
      payload = payload === "" ? auth : `${payload}&${auth}`;
      payload += `&signature=${signRest(this.creds.sign, payload)}`;
    }
    const inBody = method === "POST" && payload !== "";
    const url = `${this.#base}${path}${!inBody && payload ? `?${payload}` : ""}`;
    const headers: Record<string, string> = { "X-MBX-APIKEY": this.creds.apiKey };
    if (inBody) headers["Content-Type"] = "application/x-www-form-urlencoded";
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), this.timeoutMs);
    try {
      const res = await this.fx.fetch(url, {
        method,
        headers,
        body: inBody ? payload : undefined,
        signal: ac.signal,
        // Never follow a redirect: it would resend a signed order elsewhere (or turn a POST into a GET).
        redirect: "manual",
      });
      const text = await res.text();
      const now = this.fx.now();
      const limited = res.status === 429 || res.status === 418;
      const retry = limited ? retryAfterSec(res.headers.get("Retry-After"), now) : null;
      // Windows are aligned to the venue's clock; an unknown offset (no sample yet) is taken as none.
      const offset = this.clock.sampled ? this.clock.offsetMs : null;
      this.limits.observe(res.headers, now, retry, offset ?? 0);
      // A 429/418 without Retry-After still holds: to the venue's next minute, or 60 s if unknown.
      if (limited && retry === null) this.limits.blockUntil(defaultHoldUntil(now, offset));
      const out = classify({ status: res.status, text, retryAfterSec: retry }, parse, now);
      if (out.kind === "rejected" && out.code === -1021) this.clock.invalidate();
      // The retry time is the book's own hold, so the answer and the next request never disagree.
      if (limited && out.kind === "rejected") {
        const at = this.limits.holdUntil(now, opts.isOrder ?? false) ?? now;
        return { ...out, retryAtMs: at, retryInMs: Math.max(0, at - now) };
      }
      return out;
    } catch (e) {
      // Deno puts the useful part (and the URL, signature included) in the error's cause.
      const cause = (e as Error).cause;
      const detail = cause instanceof Error ? `${e}: ${cause.message}` : String(e);
      const what = ac.signal.aborted ? `no answer within ${this.timeoutMs} ms` : this.#scrub(detail);
      return transportOutcome(`${method} ${path}: ${what}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A transport error may quote the URL (query, signature): keep only what names the failure. */
  #scrub(text: string): string {
    const noQuery = text.replace(/\?[^\s)]*/g, "?<redacted>");
    return this.creds.mustNotLeak(noQuery)
      ? "transport error (detail withheld: it quoted a credential)"
      : noQuery;
  }
}
