import assert from "node:assert/strict";
import {
  AiEventSchema,
  eventLine,
  isId,
  makeEvent,
  MAX_TS_MS,
  rfc3339UtcToMs,
  tsToMs,
  validateEvent,
} from "./ai_event.ts";

Deno.test("rfc3339UtcToMs equals Date.parse on valid UTC times, leap days and fractions included", () => {
  const cases = [
    "1970-01-01T00:00:00Z",
    "2026-01-01T00:00:00.000Z",
    "2024-02-29T23:59:59.999Z",
    "2000-02-29T12:00:00+00:00",
    "2100-12-31T23:59:59.5Z",
    "9999-12-31T23:59:59.999Z",
    "2026-07-15T08:09:10.123Z",
  ];
  for (const s of cases) assert.equal(rfc3339UtcToMs(s), Date.parse(s), s);
  // Sub-millisecond digits are kept as a fraction of a ms.
  assert.equal(rfc3339UtcToMs("2026-01-01T00:00:00.000500Z"), Date.parse("2026-01-01T00:00:00Z") + 0.5);
  // Every day of 1970..2400 by steps: checks the day arithmetic far from the easy cases.
  for (let ms = 0; ms < Date.parse("2400-03-01T00:00:00Z"); ms += 86_400_000 * 37 + 3_723_004) {
    const iso = new Date(ms).toISOString();
    assert.equal(rfc3339UtcToMs(iso), ms, iso);
  }
});

Deno.test("rfc3339UtcToMs rejects non-UTC, impossible and malformed times", () => {
  const bad = [
    "2026-01-01T00:00:00",
    "2026-01-01T00:00:00+01:00",
    "2026-01-01 00:00:00Z",
    "2025-02-29T00:00:00Z",
    "2100-02-29T00:00:00Z",
    "2026-13-01T00:00:00Z",
    "2026-04-31T00:00:00Z",
    "2026-01-01T24:00:00Z",
    "2026-01-01T00:60:00Z",
    "2026-01-01T00:00:60Z",
    "1969-12-31T23:59:59Z",
    "2026-01-01T00:00:00.Z",
    "2026-01-01T00:00:00.1234567890Z",
    "2026-01-01T00:00:00ZZ",
    "2026-01-01",
    "",
  ];
  for (const s of bad) assert.ok(Number.isNaN(rfc3339UtcToMs(s)), s);
  assert.equal(tsToMs(1767225600000), 1767225600000);
  assert.ok(Number.isNaN(tsToMs(-1)));
  assert.ok(Number.isNaN(tsToMs(MAX_TS_MS + 1)));
  assert.ok(Number.isNaN(tsToMs(null)));
});

Deno.test("isId accepts 1-64 chars of [A-Za-z0-9._:-] only", () => {
  assert.ok(isId("run-1.a_b:c"));
  assert.ok(isId("x".repeat(64)));
  assert.ok(!isId("x".repeat(65)));
  assert.ok(!isId(""));
  assert.ok(!isId("has space"));
  assert.ok(!isId('q"uote'));
  assert.ok(!isId("ümlaut"));
});

const good = {
  ts: "2026-01-01T00:00:00Z",
  type: "decision",
  run_id: "r1",
  component: "c",
  source: "s",
} as const;

Deno.test("makeEvent keeps extra fields and throws a TypeError naming the bad field", () => {
  const ev = makeEvent({ ...good, latency_ms: 3, extra: { a: 1 } });
  assert.deepEqual(ev, { ...good, latency_ms: 3, extra: { a: 1 } });
  assert.throws(
    () => makeEvent({ ...good, run_id: "" }),
    (e) => e instanceof TypeError && /"run_id"/.test(e.message),
  );
  assert.equal(eventLine(ev), JSON.stringify(ev) + "\n");
});

Deno.test("validateEvent messages say which field is missing or wrong", () => {
  const { run_id: _, ...noRun } = good;
  assert.deepEqual(validateEvent(noRun), { ok: false, message: 'field "run_id" is missing' });
  const { ts: __, ...noTs } = good;
  assert.deepEqual(validateEvent(noTs), { ok: false, message: 'field "ts" is missing' });
  const lat = validateEvent({ ...good, latency_ms: -1 });
  assert.equal(lat.ok, false);
  assert.match((lat as { message: string }).message, /^field "latency_ms" /);
  assert.match((validateEvent([1]) as { message: string }).message, /^not a JSON object/);
  assert.equal(AiEventSchema.safeParse({ ...good, ts: 5 }).success, true);
});
