// Upstream answers for handler tests: the exact wire formats of Prometheus (/api/v1/query, /targets),
// Alertmanager (/api/v2/alerts) and the feed (/api/bars), served by a fetch function instead of a port.
import { createWebHandler } from "../lib/web/app.ts";
import { defaultWebConfig, resolveWebConfig, type WebConfigInput } from "../lib/web/config.ts";
import type { FetchFn, UpstreamDeps } from "../lib/web/upstream.ts";
import { createWebMetrics, type WebMetrics } from "../lib/web/web_metrics.ts";

export const PROM = "http://prom.test";
export const AM = "http://am.test";
export const FEED = "http://feed.test";

/** A Prometheus instant-vector answer; `value` as Prometheus writes it ("NaN", "+Inf" included). */
export function promVector(series: readonly { labels: Record<string, string>; value: string }[]): unknown {
  return {
    status: "success",
    data: {
      resultType: "vector",
      result: series.map((s) => ({ metric: s.labels, value: [1767225600.123, s.value] })),
    },
  };
}

/** A route answer: a JSON body (200), a [status, text] pair, or "refuse" for a dead port. */
export type Answer = unknown | [number, string] | "refuse";

/**
 * A fetch over a table of answers. Keys match the URL: for /api/v1/query the decoded query text
 * (prefixed "query:"), otherwise the path plus search. Unknown URLs answer 404, like a real server.
 */
export function fakeFetch(table: Readonly<Record<string, Answer>>, calls: string[] = []): FetchFn {
  return (input) => {
    calls.push(input);
    const u = new URL(input);
    const key = u.pathname === "/api/v1/query"
      ? `${u.origin} query:${u.searchParams.get("query")}`
      : `${u.origin} ${u.pathname}${u.search}`;
    const answer = key in table ? table[key] : [404, "404 page not found"];
    if (answer === "refuse") {
      return Promise.reject(
        new TypeError("fetch failed", { cause: new Error("Connection refused (os error 111)") }),
      );
    }
    if (Array.isArray(answer) && answer.length === 2 && typeof answer[0] === "number") {
      return Promise.resolve(new Response(String(answer[1]), { status: answer[0] }));
    }
    return Promise.resolve(
      new Response(JSON.stringify(answer), { status: 200, headers: { "content-type": "application/json" } }),
    );
  };
}

/** Upstream deps whose clock advances 1.5 ms per reading (a lone call measures exactly 1.5 ms). */
export function fakeDeps(fetch: FetchFn, timeoutMs = 1000): UpstreamDeps {
  let t = 0;
  return { fetch, timeoutMs, monoMs: () => (t += 1.5) };
}

/** The whole app over a fake upstream table (Prometheus, Alertmanager, feed at the *.test URLs). */
export function testApp(
  table: Record<string, Answer>,
  over: WebConfigInput = {},
): { handler: (req: Request) => Promise<Response>; metrics: WebMetrics; calls: string[] } {
  const config = resolveWebConfig(defaultWebConfig("127.0.0.1"), {
    prometheusUrl: PROM,
    alertmanagerUrl: AM,
    feedUrl: FEED,
    venues: "binance",
    symbols: "BTC-USDT",
    ...over,
  });
  const calls: string[] = [];
  const metrics = createWebMetrics();
  const handler = createWebHandler({
    config,
    upstream: fakeDeps(fakeFetch(table, calls)),
    metrics,
    log: () => {},
  });
  return { handler: async (req) => await handler(req), metrics, calls };
}
