// GET / carries the first snapshot: every panel rendered by the server, upstream text escaped, a dead
// source shown as unreachable, and the page still served when one panel cannot be built.
import assert from "node:assert/strict";
import { AM, FEED, PROM, promVector, testApp } from "../../testing/web_upstreams.ts";

const get = (path: string) => new Request(`http://web.test${path}`);
const ALERTS = `${AM} /api/v2/alerts?active=true&silenced=false&inhibited=false`;

function alert(summary: string) {
  return {
    labels: { alertname: "FeedStalled", severity: "critical" },
    annotations: { summary },
    startsAt: "2026-01-01T00:05:00Z",
    endsAt: "2026-01-01T01:00:00Z",
    fingerprint: "f",
    status: { state: "active", silencedBy: [], inhibitedBy: [] },
    receivers: [{ name: "default" }],
    updatedAt: "2026-01-01T00:05:00Z",
    generatorURL: "http://prom/graph",
  };
}

Deno.test("first paint: panels filled by the server, markup from upstreams escaped, dead Prometheus named", async () => {
  const base = await Deno.makeTempDir({ prefix: "tickproof_first_paint_" });
  const { handler } = testApp({
    [ALERTS]: [alert(`<img src=x onerror="alert(1)"> $& done`)],
    [`${AM} /-/ready`]: [200, "OK"],
    [`${PROM} query:up`]: "refuse",
    [`${FEED} /api/bars?venue=binance&symbol=BTC-USDT&interval=1m&limit=1`]: [],
  }, { evidenceDir: `${base}/evidence` });
  await Deno.remove(base);
  const res = await handler(get("/"));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("cache-control"), "no-store");
  const html = await res.text();
  assert.doesNotMatch(html, /loading…|<!--ssr:/);
  assert.match(html, /<div id="updated" class="muted">\s*snapshot \d\d:\d\d:\d\d UTC \(server\)\s*<\/div>/);
  assert.ok(
    html.includes("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; $&amp; done"),
    "escaped, $& literal",
  );
  assert.ok(!html.includes("<img"), "no upstream markup in the page");
  assert.match(html, /<td>FeedStalled<\/td><td>critical<\/td><td>2026-01-01 00:05:00<\/td>/);
  assert.match(html, /<p class="err">Prometheus unreachable: fetch failed: Connection refused/);
  assert.match(
    html,
    /<span class="badge ok" title="[\d.]+ ms" data-pill="alertmanager">alertmanager up<\/span>/,
  );
  assert.match(html, /<option value="binance\/BTC-USDT">binance\/BTC-USDT<\/option>/);
  assert.match(html, /<span id="evidence-summary" class="muted">[^<]+ does not exist yet<\/span>/);
});

Deno.test("first paint: a panel that fails to build shows why; the rest of the page is served", async () => {
  const file = await Deno.makeTempFile();
  try {
    // The evidence root is a file: listing it throws, which only the evidence panel shows.
    const { handler } = testApp({ [`${PROM} query:up`]: promVector([]) }, { evidenceDir: file });
    const html = await (await handler(get("/"))).text();
    assert.match(html, /<div class="body">\s*<p class="err">evidence: [^<]+<\/p>\s*<\/div>/);
    assert.match(html, /<span id="stack-summary" class="muted">0 up, 0 down<\/span>/);
  } finally {
    await Deno.remove(file);
  }
});
