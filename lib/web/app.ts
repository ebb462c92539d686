// peak_trade_web's request handler: a read-only route table of plain (Request) => Response functions,
// with the one place that maps errors to statuses, adds security headers and counts every request.
import type { Handler } from "../http/serve.ts";
import { INTERVALS } from "../market/types.ts";
import type { Logger } from "../log.ts";
import { aiView } from "./ai_view.ts";
import type { ApiPath, ApiResponses } from "./api_types.ts";
import { alertsView } from "./alerts_view.ts";
import { assetResponse, ASSETS } from "./assets.ts";
import type { WebConfig } from "./config.ts";
import { EVIDENCE_PREFIX, evidenceFileResponse } from "./evidence_file.ts";
import { listEvidence } from "./evidence.ts";
import { firstPaint } from "./first_paint.ts";
import { feedView, fetchBars } from "./feed_view.ts";
import {
  ALLOW,
  HttpError,
  jsonResponse,
  queryParam,
  textResponse,
  withSecurityHeaders,
} from "./http_util.ts";
import { stackView } from "./stack_view.ts";
import type { UpstreamDeps } from "./upstream.ts";
import type { WebMetrics } from "./web_metrics.ts";

export interface WebDeps {
  readonly config: WebConfig;
  /** Upstream effects (fetch, clock, timeout); self-metrics are added here. */
  readonly upstream: Omit<UpstreamDeps, "onResult">;
  readonly metrics: WebMetrics;
  readonly log: Logger;
}

type RouteHandler = (url: URL) => Promise<Response> | Response;

const KNOWN_METHODS = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "OPTIONS",
  "TRACE",
  "CONNECT",
]);

export function createWebHandler(deps: WebDeps): Handler {
  const { config: cfg, metrics, log } = deps;
  const up: UpstreamDeps = { ...deps.upstream, onResult: metrics.observeUpstream };
  // Typed by path (api_types.ts): the page reads these types, so a route cannot answer another shape.
  const api: { readonly [P in ApiPath]: (url: URL) => Promise<ApiResponses[P]> } = {
    "/api/stack": () => stackView(up, cfg),
    "/api/feed": () => feedView(up, cfg),
    "/api/bars": async (url) => {
      const venue = queryParam(url, "venue", /^[a-z0-9_]{1,32}$/, cfg.venues[0]);
      const symbol = queryParam(url, "symbol", /^[A-Z0-9]{1,16}-[A-Z0-9]{1,16}$/, cfg.symbols[0]);
      const interval = queryParam(url, "interval", /^\w{1,8}$/, cfg.interval);
      if (!(interval in INTERVALS)) {
        throw new HttpError(400, `query parameter "interval" is not a known interval`);
      }
      const limitRaw = queryParam(url, "limit", /^\d{1,4}$/, "120");
      const limit = Number(limitRaw);
      if (limit < 1 || limit > 1000) throw new HttpError(400, `query parameter "limit" must be 1 to 1000`);
      const got = await fetchBars(up, cfg.feedUrl, { venue, symbol, interval, limit });
      return { venue, symbol, interval, ...got };
    },
    "/api/ai": () => aiView(up, cfg.prometheusUrl),
    "/api/alerts": () => alertsView(up, cfg.alertmanagerUrl),
    "/api/evidence": () => listEvidence(cfg.evidenceDir, cfg.evidenceLimit),
  };
  const table: Record<string, RouteHandler> = {
    "/health": () => jsonResponse({ status: "ok", service: "peak_trade_web" }),
    "/metrics": async () => textResponse(200, await metrics.registry.metrics(), metrics.registry.contentType),
    "/api": () => jsonResponse({ routes: [...Object.keys(api), `${EVIDENCE_PREFIX}<dir>/<file>`] }),
  };
  for (const [path, load] of Object.entries(api)) {
    table[path] = async (url) => jsonResponse(await load(url));
  }
  for (const [path, asset] of Object.entries(ASSETS)) table[path] = () => assetResponse(asset);
  table["/"] = async () =>
    new Response(await firstPaint(ASSETS["/"].body, up, cfg, Date.now()), {
      status: 200,
      headers: { "content-type": ASSETS["/"].contentType, "cache-control": "no-store" },
    });
  const routes = new Map(Object.entries(table));

  return async (req) => {
    const started = deps.upstream.monoMs();
    const url = new URL(req.url);
    const path = url.pathname;
    let route: string;
    let handler = routes.get(path);
    if (handler) {
      route = path.startsWith("/assets/") ? "/assets/*" : path;
    } else if (path.startsWith(EVIDENCE_PREFIX)) {
      route = `${EVIDENCE_PREFIX}*`;
      handler = () => evidenceFileResponse(cfg.evidenceDir, path.slice(EVIDENCE_PREFIX.length).split("/"));
    } else {
      route = "unmatched";
    }
    let res: Response;
    if (req.method !== "GET" && req.method !== "HEAD") {
      // Read-only everywhere, known path or not: nothing here changes state.
      res = new Response("method not allowed\n", { status: 405, headers: { allow: ALLOW } });
    } else if (!handler) {
      res = errorResponse(path, 404, "not found");
    } else {
      try {
        res = await handler(url);
      } catch (err) {
        if (err instanceof HttpError) {
          res = errorResponse(path, err.status, err.message);
        } else {
          log("error", "request failed", { path, error: err instanceof Error ? err.message : String(err) });
          res = errorResponse(path, 500, "internal error");
        }
      }
    }
    const method = KNOWN_METHODS.has(req.method) ? req.method : "OTHER";
    metrics.observeRequest(route, method, res.status, (deps.upstream.monoMs() - started) / 1000);
    return withSecurityHeaders(res, req.method === "HEAD");
  };
}

/** API paths answer errors as JSON, everything else as plain text. */
function errorResponse(path: string, status: number, message: string): Response {
  return path === "/api" || path.startsWith("/api/")
    ? jsonResponse({ error: message }, status)
    : textResponse(status, `${message}\n`);
}
