// Route-level guarantees: read-only (405 + Allow), security headers everywhere, HEAD, 404/500 mapping,
// the page assets (uPlot from npm), and /metrics counting requests.
import assert from "node:assert/strict";
import { CONTENT_SECURITY_POLICY } from "./http_util.ts";
import { testApp } from "../../testing/web_upstreams.ts";

const req = (path: string, method = "GET") => new Request(`http://web.test${path}`, { method });
const PATHS = [
  "/",
  "/health",
  "/metrics",
  "/api/stack",
  "/api/evidence",
  "/api/evidence/x_20260101T000000Z/a.txt",
  "/nope",
];

Deno.test("every method but GET/HEAD is 405 with Allow, on known and unknown paths", async () => {
  const { handler, calls } = testApp({});
  for (const path of PATHS) {
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      const res = await handler(req(path, method));
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.equal(res.headers.get("allow"), "GET, HEAD");
      assert.equal(await res.text(), "method not allowed\n");
    }
  }
  assert.equal(calls.length, 0, "a refused method never reaches an upstream");
});

Deno.test("security headers on pages, API answers, errors and 405s; API is never cached", async () => {
  const { handler } = testApp({});
  for (
    const [path, method, status] of [
      ["/", "GET", 200],
      ["/api/alerts", "GET", 200],
      ["/nope", "GET", 404],
      ["/api/nope", "GET", 404],
      ["/api/stack", "POST", 405],
    ] as const
  ) {
    const res = await handler(req(path, method));
    assert.equal(res.status, status, path);
    assert.equal(res.headers.get("content-security-policy"), CONTENT_SECURITY_POLICY, path);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff", path);
    assert.equal(res.headers.get("x-frame-options"), "DENY", path);
    assert.equal(res.headers.get("referrer-policy"), "no-referrer", path);
    await res.body?.cancel();
  }
  assert.match(CONTENT_SECURITY_POLICY, /default-src 'self'/);
  assert.match(CONTENT_SECURITY_POLICY, /frame-ancestors 'none'/);
  const api = await handler(req("/api/alerts"));
  assert.equal(api.headers.get("cache-control"), "no-store");
  assert.equal(api.headers.get("content-type"), "application/json; charset=utf-8");
  await api.body?.cancel();
  const notFound = await handler(req("/api/nope"));
  assert.deepEqual(await notFound.json(), { error: "not found" });
});

Deno.test("HEAD answers headers only", async () => {
  const { handler } = testApp({});
  const res = await handler(req("/", "HEAD"));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8");
  assert.equal(res.body, null);
});

Deno.test("the page and its assets: our JS/CSS and uPlot 1.6.32 from the npm package", async () => {
  const { handler } = testApp({});
  const html = await (await handler(req("/"))).text();
  for (
    const src of ["/assets/uplot.js", "/assets/app.js", "/assets/uplot.css", "/assets/style.css"]
  ) {
    assert.ok(html.includes(`"${src}"`), src);
  }
  assert.ok(!/<script>|style=|https?:\/\//.test(html), "no inline script/style, no external URL");
  const uplot = await handler(req("/assets/uplot.js"));
  assert.equal(uplot.headers.get("content-type"), "text/javascript; charset=utf-8");
  const js = await uplot.text();
  assert.match(js, /^\/\*! https:\/\/github.com\/leeoniya\/uPlot \(v1\.6\.32\) \*\//);
  assert.match(await (await handler(req("/assets/uplot.css"))).text(), /\.uplot/);
  assert.match(await (await handler(req("/assets/chart.js"))).text(), /new uPlot\(/);
  assert.match(await (await handler(req("/assets/client.js"))).text(), /export function toDom\(/);
  assert.match(await (await handler(req("/assets/app.js"))).text(), /from "\.\/client\.js"/);
});

Deno.test("/health answers ok, /api lists the routes; an unexpected failure is a 500 that does not leak its message", async () => {
  const { handler } = testApp({});
  assert.deepEqual(await (await handler(req("/health"))).json(), { status: "ok", service: "peak_trade_web" });
  assert.deepEqual(await (await handler(req("/api"))).json(), {
    routes: [
      "/api/stack",
      "/api/feed",
      "/api/bars",
      "/api/ai",
      "/api/alerts",
      "/api/evidence",
      "/api/evidence/<dir>/<file>",
    ],
  });
  const file = await Deno.makeTempFile();
  try {
    // The evidence root is a file, so listing it fails in a way no handler expects.
    const broken = testApp({}, { evidenceDir: file });
    const res = await broken.handler(req("/api/evidence"));
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { error: "internal error" });
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("/metrics counts requests by route pattern, method and status, and upstream calls", async () => {
  const { handler } = testApp({});
  await (await handler(req("/api/alerts"))).body?.cancel();
  await (await handler(req("/api/alerts"))).body?.cancel();
  await (await handler(req("/api/alerts", "POST"))).body?.cancel();
  await (await handler(req("/api/evidence/a_20260101T000000Z/x.txt"))).body?.cancel();
  await (await handler(req("/does/not/exist"))).body?.cancel();
  const text = await (await handler(req("/metrics"))).text();
  const line = (s: string) => assert.ok(text.split("\n").includes(s), `missing line: ${s}\n${text}`);
  line('peak_trade_web_http_requests_total{route="/api/alerts",method="GET",status="200"} 2');
  line('peak_trade_web_http_requests_total{route="/api/alerts",method="POST",status="405"} 1');
  line('peak_trade_web_http_requests_total{route="/api/evidence/*",method="GET",status="404"} 1');
  line('peak_trade_web_http_requests_total{route="unmatched",method="GET",status="404"} 1');
  line('peak_trade_web_http_request_duration_seconds_count{route="/api/alerts"} 3');
  // Two GETs reached Alertmanager (404 from the fake: an error outcome); the POST did not.
  line('peak_trade_web_upstream_requests_total{source="alertmanager",outcome="error"} 2');
  assert.ok(!text.includes("/does/not/exist"), "raw paths never become label values");
});
