// The connector's REST side when things go wrong (testing/binance_trade_double.ts faults): ambiguous
// outcomes settled by a query, Retry-After, clock skew and -1021, auth failures, and no leaked secrets.
import assert from "node:assert/strict";
import { connector, KEY, limit, SECRET, setup } from "../../testing/binance_connector.ts";

Deno.test("ambiguous: no answer, a dropped answer, 5xx and -1007 — whether or not the order exists", async () => {
  const { venue, spot } = setup();
  // A short deadline only for the hung place: it never gets an answer, so load cannot change the outcome.
  const impatient = connector(venue, 300);
  try {
    const cases = [
      {
        fault: { kind: "hang", placed: true } as const,
        cause: "POST /api/v3/order: no answer within 300 ms",
        exists: true,
      },
      { fault: { kind: "drop", placed: true } as const, cause: null, exists: true },
      {
        fault: { kind: "error", status: 503, placed: false } as const,
        cause: "HTTP 503: execution status unknown",
        exists: false,
      },
      {
        fault: {
          kind: "error",
          status: 503,
          code: -1007,
          msg:
            "Timeout waiting for response from backend server. Send status unknown; execution status unknown.",
          placed: true,
        } as const,
        cause: "HTTP 503: execution status unknown",
        exists: true,
      },
    ];
    for (const [i, c] of cases.entries()) {
      venue.faults.push(c.fault);
      const out = await (c.fault.kind === "hang" ? impatient : spot).place(limit(`amb-${i}`));
      assert.equal(out.kind, "ambiguous", `case ${i}`);
      if (c.cause !== null && out.kind === "ambiguous") assert.equal(out.cause, c.cause);
      const q = await spot.queryByClientId("BTCUSDT", `amb-${i}`);
      assert.equal(q.kind, c.exists ? "confirmed" : "rejected", `case ${i}: the query settles it`);
    }
  } finally {
    await venue.close();
  }
});

Deno.test("429 with Retry-After: rejected with the retry time, and nothing goes out until then", async () => {
  const { venue, spot } = setup();
  try {
    const msg = "Too many new orders; current limit is 50 orders per 10 SECOND.";
    venue.faults.push({ kind: "error", status: 429, code: -1015, msg, placed: false, retryAfter: 30 });
    const t0 = Date.now();
    const out = await spot.place(limit("r-1"));
    assert.ok(out.kind === "rejected" && out.retryAtMs !== undefined && out.retryAtMs >= t0 + 30_000);
    assert.deepEqual({ ...out, retryAtMs: 0 }, {
      kind: "rejected",
      reason: "rate_limited",
      code: -1015,
      msg,
      httpStatus: 429,
      retryAtMs: 0,
    });
    const sent = venue.requests.length;
    const held = await spot.queryByClientId("BTCUSDT", "r-1");
    assert.equal(
      held.kind === "rejected" && `${held.reason} ${held.code} ${held.httpStatus}`,
      "rate_limited null null",
    );
    assert.equal(venue.requests.length, sent, "held back locally");
  } finally {
    await venue.close();
  }
});

Deno.test("clock: a venue clock far ahead is synced before the first signed call; a -1021 resyncs and resends once", async () => {
  const { venue, spot } = setup();
  try {
    venue.skewMs = 600_000;
    assert.equal((await spot.place(limit("c-1"))).kind, "confirmed");
    venue.skewMs = 1_200_000;
    assert.equal((await spot.place(limit("c-2"))).kind, "confirmed");
    assert.deepEqual(venue.requests.map((r) => `${r.method} ${r.path}`), [
      "GET /api/v3/time",
      "POST /api/v3/order",
      "POST /api/v3/order",
      "GET /api/v3/time",
      "POST /api/v3/order",
    ]);
    assert.deepEqual(venue.orders.map((o) => o.clientOrderId), ["c-1", "c-2"]);
  } finally {
    await venue.close();
  }
});

Deno.test("auth failures are definitive; no outcome ever quotes the key, the secret or a signature", async () => {
  const wrongSecret = SECRET.replace("a", "b");
  const { venue, spot } = setup(10_000, wrongSecret);
  const port = Number(new URL(venue.baseUrl).port);
  try {
    assert.deepEqual(await spot.openOrders("BTCUSDT"), {
      kind: "rejected",
      reason: "auth",
      code: -1022,
      msg: "Signature for this request is not valid.",
      httpStatus: 400,
    });
  } finally {
    await venue.close();
  }
  // The venue is gone: fetch's own error names the URL, query and signature included.
  const refused = await spot.openOrders("BTCUSDT");
  assert.equal(refused.kind, "ambiguous");
  const text = JSON.stringify(refused);
  assert.match(text, new RegExp(`GET /api/v3/openOrders: .*127\\.0\\.0\\.1:${port}`));
  for (const leak of [SECRET, wrongSecret, KEY, "signature=", "timestamp="]) {
    assert.ok(!text.includes(leak), `${leak} in ${text}`);
  }
});
