// live_loop's HTTP face on one port: GET /health (the judgement of health.ts), GET /metrics (the
// owned registry), the admin API at /admin/kill-switch and, when enabled, the drill API. Everything
// but those two is GET-only (405 with Allow), unknown paths 404, each refusal counted in
// live_loop_http_bad_requests_total.
import { getOnlyRouter, json, text } from "../http/serve.ts";
import type { LoopView } from "./loop_view.ts";
import { ADMIN_PATH } from "./admin.ts";
import { DRILL_PATH } from "./drill.ts";
import { type FeedView, judgeHealth } from "./health.ts";
import type { LimiterView } from "./limiters.ts";
import type { LiveMetrics } from "./metrics.ts";

export interface LiveHttpOptions {
  readonly snapshot: () => LoopView;
  readonly feed: () => FeedView;
  readonly clientLimiter: () => LimiterView;
  readonly adminLimiter: () => LimiterView;
  /** adminHandler(...), given the client's address as its rate-limit key. */
  readonly admin: (req: Request, client: string) => Promise<Response>;
  /** drillHandler(...) (paper proofs only), given the client's address; absent: 404 like any unknown path. */
  readonly drill?: (req: Request, client: string) => Promise<Response>;
  readonly metrics: LiveMetrics;
  readonly startedMs: number;
  readonly heartbeatStaleMs: number;
}

export type LiveHandler = (req: Request, info?: { readonly remoteAddr: Deno.Addr }) => Promise<Response>;

const ROUTES = ["/health", "/metrics"];

export function liveHttpHandler(o: LiveHttpOptions): LiveHandler {
  const health = () =>
    judgeHealth({
      view: o.snapshot(),
      feed: o.feed(),
      clientLimiter: o.clientLimiter(),
      adminLimiter: o.adminLimiter(),
      startedMs: o.startedMs,
      heartbeatStaleMs: o.heartbeatStaleMs,
    });
  const router = getOnlyRouter({
    "/metrics": async () => text(200, await o.metrics.registry.metrics(), o.metrics.registry.contentType),
    "/health": () => {
      const h = health();
      return json(h.code, h.body);
    },
  });
  return async (req, info) => {
    const path = new URL(req.url).pathname;
    const addr = info?.remoteAddr;
    const client = addr && "hostname" in addr ? addr.hostname : "unknown";
    if (path === ADMIN_PATH) return await o.admin(req, client);
    if (path === DRILL_PATH && o.drill) return await o.drill(req, client);
    if (!ROUTES.includes(path)) o.metrics.badRequest("not_found");
    else if (req.method !== "GET" && req.method !== "HEAD") o.metrics.badRequest("method");
    return await router(req);
  };
}
