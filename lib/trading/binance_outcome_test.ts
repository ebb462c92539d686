import assert from "node:assert/strict";
import { classify, rejectReason, transportOutcome, venueError } from "./binance_outcome.ts";

const asIs = (j: unknown) => j;
const err = (code: number, msg: string) => JSON.stringify({ code, msg });

Deno.test("2xx with a readable body is confirmed with the parsed value", () => {
  assert.deepEqual(classify({ status: 200, text: '{"orderId":7}' }, asIs, 0), {
    kind: "confirmed",
    value: { orderId: 7 },
  });
});

Deno.test("2xx that cannot be read is ambiguous: the order may exist", () => {
  assert.deepEqual(classify({ status: 200, text: "{trunc" }, asIs, 0), {
    kind: "ambiguous",
    cause: "unreadable 200 answer",
    httpStatus: 200,
  });
  const bad = classify({ status: 200, text: "{}" }, () => {
    throw new Error("orderId missing");
  }, 0);
  assert.deepEqual(bad, {
    kind: "ambiguous",
    cause: "unexpected 200 answer: orderId missing",
    httpStatus: 200,
  });
});

Deno.test("definitive rejections keep Binance's code and msg with a venue-neutral reason", () => {
  const cases: [number, string, string][] = [
    [-2010, "Duplicate order sent.", "duplicate_client_id"],
    [-2010, "Account has insufficient balance for requested action.", "insufficient_balance"],
    [-2010, "Order would immediately match and take.", "would_take"],
    [-2010, "Market is closed.", "other"],
    [-1013, "Filter failure: LOT_SIZE", "filter"],
    [-2011, "Unknown order sent.", "not_found"],
    [-2011, "Order was not canceled due to cancel restrictions.", "other"],
    [-2013, "Order does not exist.", "not_found"],
    [-1021, "Timestamp for this request is outside of the recvWindow.", "timestamp"],
    [-1022, "Signature for this request is not valid.", "auth"],
    [-2015, "Invalid API-key, IP, or permissions for action.", "auth"],
    [-1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed.", "bad_request"],
  ];
  for (const [code, msg, reason] of cases) {
    assert.equal(rejectReason(code, msg), reason, `${code} ${msg}`);
    assert.deepEqual(classify({ status: 400, text: err(code, msg) }, asIs, 0), {
      kind: "rejected",
      reason,
      code,
      msg,
      httpStatus: 400,
    });
  }
});

Deno.test("-1006 and -1007 are ambiguous whatever the HTTP status; every 5xx is ambiguous", () => {
  const timeout =
    "Timeout waiting for response from backend server. Send status unknown; execution status unknown.";
  assert.deepEqual(classify({ status: 400, text: err(-1007, timeout) }, asIs, 0), {
    kind: "ambiguous",
    cause: `-1007 ${timeout}`,
    code: -1007,
    httpStatus: 400,
  });
  assert.equal(classify({ status: 408, text: err(-1006, "x") }, asIs, 0).kind, "ambiguous");
  assert.deepEqual(classify({ status: 503, text: err(-1000, "Unknown error") }, asIs, 0), {
    kind: "ambiguous",
    cause: "HTTP 503: execution status unknown",
    code: -1000,
    httpStatus: 503,
  });
  assert.deepEqual(classify({ status: 502, text: "<html>bad gateway</html>" }, asIs, 0), {
    kind: "ambiguous",
    cause: "HTTP 502: execution status unknown",
    httpStatus: 502,
  });
  assert.equal(classify({ status: 408, text: "" }, asIs, 0).kind, "ambiguous");
  assert.equal(classify({ status: 409, text: "" }, asIs, 0).kind, "ambiguous");
  assert.deepEqual(classify({ status: 302, text: "" }, asIs, 0), {
    kind: "ambiguous",
    cause: "HTTP 302 without a venue answer",
    httpStatus: 302,
  }, "a redirect is not followed (the connector fetches with redirect: manual) and proves nothing");
});

Deno.test("429 and 418 are rate-limit rejections dated by Retry-After", () => {
  const msg = "Too many new orders; current limit is 50 orders per 10 SECOND.";
  assert.deepEqual(classify({ status: 429, text: err(-1015, msg), retryAfterSec: 7 }, asIs, 1000), {
    kind: "rejected",
    reason: "rate_limited",
    code: -1015,
    msg,
    httpStatus: 429,
    retryAtMs: 8000,
    retryInMs: 7000,
  });
  const ban = classify({ status: 418, text: "", retryAfterSec: 120 }, asIs, 0);
  assert.deepEqual(ban, {
    kind: "rejected",
    reason: "rate_limited",
    code: null,
    msg: "HTTP 418",
    httpStatus: 418,
    retryAtMs: 120_000,
    retryInMs: 120_000,
  });
});

Deno.test("a 4xx without a venue body is refused by the path (WAF, wrong URL), not ambiguous", () => {
  assert.deepEqual(classify({ status: 403, text: "<html/>" }, asIs, 0), {
    kind: "rejected",
    reason: "other",
    code: null,
    msg: "HTTP 403 without a venue error body",
    httpStatus: 403,
  });
});

Deno.test("transport failures are ambiguous; venueError reads only Binance's error shape", () => {
  assert.deepEqual(transportOutcome("timed out after 10000 ms"), {
    kind: "ambiguous",
    cause: "timed out after 10000 ms",
  });
  assert.deepEqual(venueError({ code: -1013, msg: "m" }), { code: -1013, msg: "m" });
  assert.equal(venueError({ code: 200 }), null);
  assert.equal(venueError({ orderId: 1 }), null);
  assert.equal(venueError("x"), null);
});
