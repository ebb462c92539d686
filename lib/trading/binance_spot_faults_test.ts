// The connector's REST side when things go wrong, against the venue simulator over real HTTP with its
// execution chaos (testing/trading_chaos_sim.ts): ambiguous outcomes settled by a query, Retry-After,
// clock skew and -1021, auth failures, and no leaked secrets.
import assert from "node:assert/strict";
import { KEY, limit, SECRET } from "../../testing/binance_connector.ts";
import { startChaosSim } from "../../testing/trading_chaos_sim.ts";
import type { ChaosConfig } from "../sim/chaos.ts";

/** Far below the simulator's BTC market: accepted and left resting. */
const resting = (id: string) => ({ ...limit(id), price: "1000.00" });

/** Every request the connector sends, as "METHOD /api/v3/...". */
function recordingFetch(sent: string[]): typeof fetch {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    sent.push(`${init?.method ?? "GET"} ${url.pathname.replace(/^\/binance/, "")}`);
    return fetch(input, init);
  };
}

Deno.test("ambiguous: no answer, a dropped answer, 5xx and -1007 — whether or not the order exists", async () => {
  // The delayed ack waits on this gate, released only after the client gave up: no race with the timeout.
  let release = () => {};
  const gate = new Promise<void>((r) => release = r);
  const h = await startChaosSim({ wait: () => gate });
  // A short deadline only for the held place: it gets no answer in time, so load cannot change the outcome.
  const impatient = h.connect(300);
  const cases: { chaos: ChaosConfig["trading"]; cause: string | RegExp; exists: boolean }[] = [
    { chaos: { ackDelayMs: 60_000 }, cause: "POST /api/v3/order: no answer within 300 ms", exists: true },
    { chaos: { ackConnectionClosedRate: 1 }, cause: /^POST \/api\/v3\/order: /, exists: true },
    { chaos: { burst5xx: { calls: 1 } }, cause: "HTTP 502: execution status unknown", exists: false },
    { chaos: { ack5xxUnplacedRate: 1 }, cause: "HTTP 503: execution status unknown", exists: false },
    { chaos: { ackLostPlacedRate: 1 }, cause: "HTTP 503: execution status unknown", exists: true },
  ];
  try {
    for (const [i, c] of cases.entries()) {
      h.setChaos(c.chaos);
      const out = await (i === 0 ? impatient : h.spot).place(resting(`amb-${i}`));
      assert.equal(out.kind, "ambiguous", `case ${i}`);
      if (out.kind === "ambiguous") {
        if (typeof c.cause === "string") assert.equal(out.cause, c.cause, `case ${i}`);
        else assert.match(out.cause, c.cause, `case ${i}`);
      }
      h.setChaos(undefined);
      const q = await h.spot.queryByClientId("BTCUSDT", `amb-${i}`);
      assert.equal(q.kind, c.exists ? "confirmed" : "rejected", `case ${i}: the query settles it`);
    }
    assert.deepEqual(h.chaosLines().map((l) => [l.kind, l.clientOrderId]), [
      ["ack_delay", "amb-0"],
      ["ack_connection_closed", "amb-1"],
      ["burst_5xx", "amb-2"],
      ["ack_5xx_unplaced", "amb-3"],
      ["ack_lost_placed", "amb-4"],
    ]);
  } finally {
    release();
    await h.close();
  }
});

Deno.test("429 with Retry-After: rejected with the retry time, and nothing goes out until then", async () => {
  const sent: string[] = [];
  const h = await startChaosSim({ fetch: recordingFetch(sent) });
  try {
    assert.equal((await h.spot.balances()).kind, "confirmed", "clock synced before the storm");
    h.setChaos({ storm429: { calls: 1, retryAfterS: 30 } });
    const t0 = Date.now();
    const out = await h.spot.place(resting("r-1"));
    assert.ok(out.kind === "rejected" && out.retryAtMs !== undefined && out.retryAtMs >= t0 + 30_000);
    assert.deepEqual({ ...out, retryAtMs: 0 }, {
      kind: "rejected",
      reason: "rate_limited",
      code: -1003,
      msg: "Too much request weight used; current limit is 6000 request weight per 1 MINUTE. " +
        "Please use WebSocket Streams for live updates to avoid polling the API.",
      httpStatus: 429,
      retryAtMs: 0,
      retryInMs: 30_000,
    });
    const before = sent.length;
    const held = await h.spot.queryByClientId("BTCUSDT", "r-1");
    assert.equal(
      held.kind === "rejected" && `${held.reason} ${held.code} ${held.httpStatus} ${held.local}`,
      "rate_limited null null true",
    );
    assert.equal(
      held.kind === "rejected" && held.retryAtMs,
      out.retryAtMs,
      "the answer's retry time is the hold",
    );
    assert.equal(sent.length, before, "held back locally");
    h.advance(30_000);
    const q = await h.spot.queryByClientId("BTCUSDT", "r-1");
    assert.equal(
      q.kind === "rejected" && `${q.reason} ${q.code}`,
      "not_found -2013",
      "the 429 placed nothing",
    );
    assert.equal(sent.length, before + 1);
  } finally {
    await h.close();
  }
});

/** Records like recordingFetch, and takes Retry-After off every 429 (a venue or proxy that sends none). */
const withoutRetryAfter = (sent: string[]): typeof fetch => async (input, init) => {
  const res = await recordingFetch(sent)(input, init);
  if (res.status !== 429) return res;
  const headers = new Headers(res.headers);
  headers.delete("Retry-After");
  return new Response(await res.text(), { status: res.status, headers });
};

Deno.test("429 without Retry-After: held to the end of the venue's minute (60 s with no clock), retryAtMs = the hold", async () => {
  const sent: string[] = [];
  const h = await startChaosSim({ fetch: withoutRetryAfter(sent) });
  try {
    // No clock sample yet (the sync itself is refused): 60 s from the answer.
    h.setChaos({ storm429: { calls: 1 } });
    const now = h.now;
    const t0 = now();
    const first = await h.spot.rest.syncClock();
    const t1 = now();
    assert.ok(first.kind === "rejected" && first.httpStatus === 429 && first.local === undefined);
    const at = first.retryAtMs!;
    assert.ok(at >= t0 + 60_000 && at <= t1 + 60_000, `retryAtMs ${at - t0} ms after the call`);
    const held = await h.spot.balances();
    assert.deepEqual(held.kind === "rejected" && [held.local, held.retryAtMs], [true, at]);
    assert.equal(sent.length, 1, "held back locally");
    h.advance(60_000);
    assert.equal((await h.spot.balances()).kind, "confirmed", "clock synced, the hold over");
    // With the venue's clock known (5.5 s ahead): to the venue's next minute boundary.
    h.venueAhead(5_500);
    assert.equal((await h.spot.rest.syncClock()).kind, "confirmed");
    const offset = h.spot.rest.clock.offsetMs;
    h.setChaos({ storm429: { calls: 1, retryAfterS: 9 } }); // a new storm (its header is taken off too)
    const t2 = now();
    const second = await h.spot.place(resting("w-1"));
    const t3 = now();
    assert.ok(second.kind === "rejected" && second.code === -1003 && second.retryAtMs !== undefined);
    const end = second.retryAtMs;
    assert.equal((end + offset) % 60_000, 0, "a venue minute boundary");
    assert.ok(end > t2 && end <= t3 + 60_000, "the minute the answer came in");
    const before = sent.length;
    const q = await h.spot.queryByClientId("BTCUSDT", "w-1");
    assert.deepEqual(q.kind === "rejected" && [q.local, q.retryAtMs], [true, end]);
    assert.equal(sent.length, before);
  } finally {
    await h.close();
  }
});

Deno.test("429 on the clock sync before a signed call: the call is held too, nothing is sent", async () => {
  const sent: string[] = [];
  const h = await startChaosSim({ fetch: recordingFetch(sent) });
  try {
    h.setChaos({ storm429: { calls: 1, retryAfterS: 30 } });
    const out = await h.spot.place(resting("s-1"));
    assert.equal(
      out.kind === "rejected" && `${out.reason} ${out.code} ${out.httpStatus}`,
      "rate_limited null null",
    );
    assert.deepEqual(sent, ["GET /api/v3/time"], "the order never left");
    h.advance(30_000);
    assert.equal((await h.spot.place(resting("s-1"))).kind, "confirmed");
    assert.deepEqual(h.ordersTruth().map((o) => [o.event, o.clientOrderId]), [["NEW", "s-1"]]);
  } finally {
    await h.close();
  }
});

Deno.test("clock: a venue clock far ahead is synced before the first signed call; a -1021 resyncs and resends once", async () => {
  const sent: string[] = [];
  const h = await startChaosSim({ fetch: recordingFetch(sent) });
  try {
    h.venueAhead(600_000);
    assert.equal((await h.spot.place(resting("c-1"))).kind, "confirmed");
    h.venueAhead(600_000);
    assert.equal((await h.spot.place(resting("c-2"))).kind, "confirmed");
    assert.deepEqual(sent, [
      "GET /api/v3/time",
      "POST /api/v3/order",
      "POST /api/v3/order",
      "GET /api/v3/time",
      "POST /api/v3/order",
    ]);
    assert.deepEqual(h.ordersTruth().map((o) => o.clientOrderId), ["c-1", "c-2"]);
  } finally {
    await h.close();
  }
});

Deno.test("auth failures are definitive; no outcome ever quotes the key, the secret or a signature", async () => {
  const wrongSecret = SECRET.replace("a", "b");
  const h = await startChaosSim({ secret: wrongSecret });
  const port = Number(new URL(h.baseUrl).port);
  try {
    assert.deepEqual(await h.spot.openOrders("BTCUSDT"), {
      kind: "rejected",
      reason: "auth",
      code: -1022,
      msg: "Signature for this request is not valid.",
      httpStatus: 400,
    });
  } finally {
    await h.close();
  }
  // The venue is gone: fetch's own error names the URL, query and signature included.
  const refused = await h.spot.openOrders("BTCUSDT");
  assert.equal(refused.kind, "ambiguous");
  const text = JSON.stringify(refused);
  assert.match(text, new RegExp(`GET /api/v3/openOrders: .*127\\.0\\.0\\.1:${port}`));
  for (const leak of [SECRET, wrongSecret, KEY, "signature=", "timestamp="]) {
    assert.ok(!text.includes(leak), `${leak} in ${text}`);
  }
});
