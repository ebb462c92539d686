// The feed's HTTP face (:8000, GET only): /metrics, /health, /api/bars, /stream/bars. Handlers are
// plain (Request) => Response functions so tests call them without a port.
import type { Registry } from "prom-client";
import { getOnlyRouter, type Handler, json, text } from "../http/serve.ts";
import {
  type ClosedBar,
  type Interval,
  INTERVALS,
  type SymbolName,
  type Venue,
  VENUES,
} from "../market/types.ts";
import { parseSymbol } from "../venues/symbols.ts";
import type { BarStreamHub, FeedHealth } from "./bar_stream.ts";

export interface FeedHttpDeps {
  readonly registry: Registry;
  readonly health: () => Record<string, unknown>;
  readonly feedHealth: () => FeedHealth;
  readonly hub: BarStreamHub;
  readonly recentBars: (
    venue: Venue,
    symbol: SymbolName,
    interval: Interval,
    limit: number,
  ) => Promise<ClosedBar[]>;
}

export const MAX_BARS_LIMIT = 5000;
const DEFAULT_LIMIT = 500;

/** One-line JSON error body. */
function badRequest(error: string): Response {
  return new Response(JSON.stringify({ error }) + "\n", {
    status: 400,
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

export interface BarsQuery {
  readonly venue: Venue;
  readonly symbol: SymbolName;
  readonly interval: Interval;
  readonly limit: number;
}

/** Validates /api/bars parameters; a string is the one-line reason they are unusable. */
export function parseBarsQuery(q: URLSearchParams): BarsQuery | string {
  const venue = q.get("venue");
  if (!venue || !(VENUES as readonly string[]).includes(venue)) {
    return `venue must be one of ${VENUES.join(", ")}, got ${JSON.stringify(venue)}`;
  }
  const rawSymbol = q.get("symbol");
  if (!rawSymbol) return `symbol is required, e.g. BTC-USDT`;
  let symbol: SymbolName;
  try {
    symbol = parseSymbol(rawSymbol);
  } catch {
    return `symbol must look like BTC-USDT or BTCUSDT, got ${JSON.stringify(rawSymbol)}`;
  }
  const interval = q.get("interval");
  if (!interval || !(interval in INTERVALS)) {
    return `interval must be one of ${Object.keys(INTERVALS).join(", ")}, got ${JSON.stringify(interval)}`;
  }
  const rawLimit = q.get("limit");
  const limit = rawLimit === null || rawLimit === "" ? DEFAULT_LIMIT : Number(rawLimit);
  if (!/^\d*$/.test(rawLimit ?? "") || !Number.isSafeInteger(limit) || limit < 1 || limit > MAX_BARS_LIMIT) {
    return `limit must be a whole number from 1 to ${MAX_BARS_LIMIT}, got ${JSON.stringify(rawLimit)}`;
  }
  return { venue: venue as Venue, symbol, interval: interval as Interval, limit };
}

export function feedHandler(deps: FeedHttpDeps): Handler {
  return getOnlyRouter({
    "/metrics": async () => text(200, await deps.registry.metrics(), deps.registry.contentType),
    "/health": () => json(200, deps.health()),
    "/api/bars": async (req) => {
      const q = parseBarsQuery(new URL(req.url).searchParams);
      if (typeof q === "string") return badRequest(q);
      const bars = await deps.recentBars(q.venue, q.symbol, q.interval, q.limit);
      return new Response(JSON.stringify(bars) + "\n", {
        headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
      });
    },
    "/stream/bars": (req) => deps.hub.handle(req, deps.feedHealth),
  });
}
