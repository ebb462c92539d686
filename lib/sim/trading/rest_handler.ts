// Binance spot's private REST API on the simulator: `(Request) -> Response` for the paths below
// `prefix` (the simulator serves Binance under /binance). Public endpoints answer anyone; the rest
// need a configured key in X-MBX-APIKEY and a valid signature and timestamp (signing.ts). Time is
// injected (the simulator's clock), so tests drive it. Unknown paths: null, for the caller's router.
import { ERR, errorBody, type VenueError } from "./errors.ts";
import { type SignedCall, signedEndpoints } from "./endpoints.ts";
import { exchangeInfo } from "./rest_lists.ts";
import type { Reply, TradingContext } from "./rest_orders.ts";
import { type ApiKey, verifySigned } from "./signing.ts";

export interface RestOptions {
  readonly ctx: TradingContext;
  readonly keys: readonly ApiKey[];
  /** Server time, ms (the simulated clock). */
  readonly now: () => number;
  /** Path prefix of the venue on this server (default "/binance"). */
  readonly prefix?: string;
}

type Public = (p: URLSearchParams, now: number) => Reply;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json;charset=UTF-8", ...headers },
  });
}

const error = (e: VenueError) => json(e.http, errorBody(e));

export function restHandler(opts: RestOptions): (req: Request) => Promise<Response | null> {
  const { ctx } = opts;
  const prefix = opts.prefix ?? "/binance";
  const keys = new Map(opts.keys.map((k) => [k.key, k]));
  const pub: Record<string, Public> = {
    "GET /api/v3/ping": () => ({ status: 200, body: {} }),
    "GET /api/v3/time": (_p, now) => ({ status: 200, body: { serverTime: now } }),
    "GET /api/v3/exchangeInfo": (p, now) => exchangeInfo(ctx, p, now),
  };
  const signed = new Map<string, SignedCall>(signedEndpoints(ctx).map((e) => [e.rest, e.call]));
  return async (req) => {
    const url = new URL(req.url);
    if (!url.pathname.startsWith(prefix + "/api/v3/")) return null;
    const path = url.pathname.slice(prefix.length);
    const route = `${req.method} ${path}`;
    if (path === "/api/v3/userDataStream") {
      // Switched off 2026-02-20 (binance_trading.md §5); third parties report HTTP 410 since.
      return json(410, { code: -1000, msg: "This endpoint has been removed." });
    }
    const now = opts.now();
    const p = pub[route];
    if (p) {
      const r = p(url.searchParams, now);
      return json(r.status, r.body);
    }
    const s = signed.get(route);
    if (!s) return null;
    const body = req.method === "GET" ? "" : await req.text();
    const v = verifySigned(
      { apiKey: req.headers.get("x-mbx-apikey"), query: url.search.slice(1), body },
      keys,
      now,
    );
    if ("code" in v) return error(v);
    if (!ctx.engine.accounts.has(v.key.account)) return error(ERR.rejectedKey);
    const r = s(v.key.account, v.params, now);
    return json(r.status, r.body);
  };
}
