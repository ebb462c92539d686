// Binance spot's private REST API on the simulator: `(Request) -> Response` for the paths below
// `prefix` (the simulator serves Binance under /binance). Public endpoints answer anyone; the rest
// need a configured key in X-MBX-APIKEY and a valid signature and timestamp (signing.ts). Time is
// injected (the simulator's clock), so tests drive it. Unknown paths: null, for the caller's router.
import { ERR, errorBody, type VenueError } from "./errors.ts";
import { type SignedEndpoint, signedEndpoints } from "./endpoints.ts";
import { exchangeInfo } from "./rest_lists.ts";
import type { Reply, TradingContext } from "./rest_orders.ts";
import type { Limited, RateLimiter } from "./rate_limits.ts";
import { type ApiKey, verifySigned } from "./signing.ts";

export interface RestOptions {
  readonly ctx: TradingContext;
  readonly keys: readonly ApiKey[];
  /** Server time, ms (the simulated clock). */
  readonly now: () => number;
  /** Path prefix of the venue on this server (default "/binance"). */
  readonly prefix?: string;
  /** Enforces weight and order limits and sets Binance's X-MBX-* headers (none: unlimited, no headers). */
  readonly limiter?: RateLimiter;
  /**
   * Chaos: sees each call of ours before the limiter ("POST /binance/api/v3/order", signed or not,
   * its parameters); a Response answers it unprocessed (venue_chaos.ts), null lets it pass, a promise
   * holds it until it settles (the call is then processed at the venue's time of release).
   */
  readonly gate?: (
    route: string,
    signed: boolean,
    params: URLSearchParams,
  ) => Response | null | Promise<Response | null>;
}

type Public = { weight: number; call: (p: URLSearchParams, now: number) => Reply };

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json;charset=UTF-8", ...headers },
  });
}

/** GET /api/v3/rateLimit/order (weight 40) answers from the limiter, not the engine. */
const RATE_LIMIT_ORDER = "GET /api/v3/rateLimit/order";
const ORDER_COUNTS: SignedEndpoint = {
  rest: RATE_LIMIT_ORDER,
  ws: "account.rateLimits.orders",
  call: () => ({ status: 200, body: [] }),
  weight: () => 40,
};

const error = (e: VenueError, headers: Record<string, string> = {}) => json(e.http, errorBody(e), headers);
const limited = (l: Limited) => error(l, { "Retry-After": String(l.retryAfterS) });

/** Answers a request for `prefix`/api/v3/... (null otherwise); `ip` keys the weight limit. */
export function restHandler(opts: RestOptions): (req: Request, ip?: string) => Promise<Response | null> {
  const { ctx } = opts;
  const prefix = opts.prefix ?? "/binance";
  const keys = new Map(opts.keys.map((k) => [k.key, k]));
  const pub: Record<string, Public> = {
    "GET /api/v3/ping": { weight: 1, call: () => ({ status: 200, body: {} }) },
    "GET /api/v3/time": { weight: 1, call: (_p, now) => ({ status: 200, body: { serverTime: now } }) },
    "GET /api/v3/exchangeInfo": {
      weight: 20,
      call: (p, now) => exchangeInfo(ctx, p, now, opts.limiter?.describe() ?? []),
    },
  };
  const signed = new Map<string, SignedEndpoint>(signedEndpoints(ctx).map((e) => [e.rest, e]));
  return async (req, ip = "127.0.0.1") => {
    const url = new URL(req.url);
    if (!url.pathname.startsWith(prefix + "/api/v3/")) return null;
    const path = url.pathname.slice(prefix.length);
    const route = `${req.method} ${path}`;
    if (path === "/api/v3/userDataStream") {
      // Switched off 2026-02-20 (binance_trading.md §5); third parties report HTTP 410 since.
      return json(410, { code: -1000, msg: "This endpoint has been removed." });
    }
    const p = pub[route], s = signed.get(route) ?? (route === RATE_LIMIT_ORDER ? ORDER_COUNTS : undefined);
    if (!p && !s) return null;
    const body = req.method === "GET" ? "" : await req.text();
    const query = url.search.slice(1);
    let gated = opts.gate?.(`${req.method} ${url.pathname}`, !!s, new URLSearchParams(query + "&" + body));
    // Awaited only when held: a call that passes keeps its place in the event loop.
    if (gated instanceof Promise) gated = await gated;
    if (gated) return gated;
    const now = opts.now();
    const headers: Record<string, string> = {};
    if (opts.limiter) {
      const w = p ? p.weight : s!.weight(new URLSearchParams(query + "&" + body));
      const used = opts.limiter.request(ip, w, now);
      if ("code" in used) return limited(used);
      headers["X-MBX-USED-WEIGHT-1M"] = String(used.used);
    }
    if (p) {
      const r = p.call(url.searchParams, now);
      return json(r.status, r.body, headers);
    }
    const v = verifySigned({ apiKey: req.headers.get("x-mbx-apikey"), query, body }, keys, now);
    if ("code" in v) return error(v, headers);
    if (!ctx.engine.accounts.has(v.key.account)) return error(ERR.rejectedKey, headers);
    if (route === RATE_LIMIT_ORDER) {
      return json(200, opts.limiter?.orderCounts(v.key.account, now) ?? [], headers);
    }
    if (opts.limiter && route === "POST /api/v3/order") {
      const n = opts.limiter.order(v.key.account, now);
      if ("code" in n) return limited(n);
      headers["X-MBX-ORDER-COUNT-10S"] = String(n.count10s);
      headers["X-MBX-ORDER-COUNT-1D"] = String(n.count1d);
    }
    const r = s!.call(v.key.account, v.params, now);
    return json(r.status, r.body, headers);
  };
}
