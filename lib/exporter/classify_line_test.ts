import assert from "node:assert/strict";
import { AiEventSchema } from "../events/ai_event.ts";
import {
  classifyLine,
  explainLine,
  INVALID,
  LineClassifier,
  MAX_LINE_BYTES,
  OVERSIZE,
  PARSE_ERROR,
  Rejected,
  UNKNOWN_TYPE,
  utf8Length,
} from "./classify_line.ts";

const base = {
  ts: "2026-01-01T00:00:00.250Z",
  type: "decision",
  run_id: "r1",
  component: "c1",
  source: "s1",
};
const line = (o: unknown) => JSON.stringify(o);

Deno.test("classifyLine sorts lines into event, parse_error, unknown_type, invalid, oversize", () => {
  const ok = new LineClassifier();
  const ev = ok.classify(line({ ...base, latency_ms: 12.5 }));
  assert.ok(!(ev instanceof Rejected));
  assert.equal(ev.type, "decision");
  assert.equal(ok.tsMs, Date.parse(base.ts));
  assert.equal(classifyLine("not json"), PARSE_ERROR);
  assert.equal(classifyLine(""), PARSE_ERROR);
  assert.equal(classifyLine("[1,2]"), PARSE_ERROR);
  assert.equal(classifyLine("null"), PARSE_ERROR);
  assert.equal(classifyLine('"str"'), PARSE_ERROR);
  assert.equal(classifyLine(line({ ...base, type: "order_fill" })), UNKNOWN_TYPE);
  assert.equal(classifyLine(line({ ...base, type: 7 })), INVALID);
  assert.equal(classifyLine(line({ ...base, run_id: "bad id" })), INVALID);
  assert.equal(
    classifyLine(new TextEncoder().encode(line({ ...base, ts: 1767225600000 }))).constructor.name,
    "Object",
  );
  assert.equal(classifyLine("x".repeat(MAX_LINE_BYTES + 1)), OVERSIZE);
});

Deno.test("oversize is measured in UTF-8 bytes: exactly 1 MiB passes, one byte more does not", () => {
  const pad = (bytes: number, ch: string) => {
    const head = line({ ...base, pad: "" });
    const chBytes = utf8Length(ch);
    const room = bytes - utf8Length(head);
    return line({ ...base, pad: ch.repeat(Math.floor(room / chBytes)) + "a".repeat(room % chBytes) });
  };
  const exact = pad(MAX_LINE_BYTES, "é"); // 2-byte chars: string length < bytes
  assert.equal(utf8Length(exact), MAX_LINE_BYTES);
  assert.equal(new TextEncoder().encode(exact).length, MAX_LINE_BYTES);
  assert.ok(!(classifyLine(exact) instanceof Rejected));
  assert.equal(classifyLine(pad(MAX_LINE_BYTES + 2, "é")), OVERSIZE);
  assert.equal(classifyLine(pad(MAX_LINE_BYTES + 1, "a")), OVERSIZE);
  assert.equal(utf8Length("a€😀"), 1 + 3 + 4);
});

Deno.test("the fast path accepts exactly what the zod schema accepts", () => {
  const variants: unknown[] = [
    base,
    { ...base, ts: 0 },
    { ...base, ts: -1 },
    { ...base, ts: 1e300 },
    { ...base, ts: "2026-01-01T00:00:00+00:00" },
    { ...base, ts: "2026-01-01T00:00:00+01:00" },
    { ...base, ts: "2026-02-30T00:00:00Z" },
    { ...base, ts: null },
    { ...base, ts: true },
    { ...base, type: "action" },
    { ...base, type: "heartbeat", latency_ms: 0 },
    { ...base, type: "Decision" },
    { ...base, latency_ms: -0.1 },
    { ...base, latency_ms: "5" },
    { ...base, latency_ms: null },
    { ...base, latency_ms: 1e308 },
    { ...base, symbol: "BTC-USDT", decision: "buy", action: "place" },
    { ...base, symbol: 5 },
    { ...base, decision: { side: "buy" } },
    { ...base, action: null },
    { ...base, run_id: "" },
    { ...base, run_id: "x".repeat(64) },
    { ...base, run_id: "x".repeat(65) },
    { ...base, component: "a/b" },
    { ...base, source: 3 },
    { ...base, extra: [1, 2, { deep: true }] },
    { ts: base.ts, type: "decision", run_id: "r1", component: "c1" },
    { type: "decision" },
    {},
  ];
  for (const v of variants) {
    const fast = !(new LineClassifier().classify(line(v)) instanceof Rejected);
    assert.equal(fast, AiEventSchema.safeParse(v).success, line(v));
  }
  // The per-field memo must not leak acceptance: a bad id after a good one is still rejected.
  const c = new LineClassifier();
  assert.ok(!(c.classify(line(base)) instanceof Rejected));
  assert.equal(c.classify(line({ ...base, run_id: "r1 " })), INVALID);
  assert.ok(!(c.classify(line(base)) instanceof Rejected));
});

Deno.test("explainLine gives the precise reason (slow path)", () => {
  assert.equal(explainLine(line({ ...base, type: "fill" })), 'unknown type "fill"');
  assert.equal(explainLine(line({ ...base, component: undefined })), 'field "component" is missing');
  assert.equal(explainLine("[]"), "not a JSON object");
  assert.match(explainLine("{oops"), /^not JSON \(/);
  assert.equal(explainLine(line(base)), "valid");
});

Deno.test("one long-lived classifier (memo and minute cache warm) agrees with zod on mutated lines", () => {
  const c = new LineClassifier();
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const alphabet = '0123456789-:TZ.+ "xé\u0000';
  const tsBase = ["2026-01-01T00:00:00.250Z", "2026-01-01T00:00:59Z", "2024-02-29T23:59:59.999+00:00"];
  let accepted = 0;
  for (let i = 0; i < 20000; i++) {
    let ts = tsBase[i % tsBase.length];
    if (rand() < 0.5) {
      const at = Math.floor(rand() * ts.length);
      const ch = alphabet[Math.floor(rand() * alphabet.length)];
      ts = rand() < 0.7 ? ts.slice(0, at) + ch + ts.slice(at + 1) : ts.slice(0, at) + ts.slice(at + 1);
    }
    const ids = ["r1", "r2", "", "r 1", "x".repeat(65)];
    const v: Record<string, unknown> = {
      ...base,
      ts,
      run_id: ids[Math.floor(rand() * rand() * ids.length)],
      source: ids[Math.floor(rand() * rand() * ids.length)],
    };
    if (rand() < 0.1) v.latency_ms = rand() < 0.5 ? -rand() : rand() * 100;
    const fast = !(c.classify(JSON.stringify(v)) instanceof Rejected);
    assert.equal(fast, AiEventSchema.safeParse(v).success, JSON.stringify(v));
    if (fast) {
      accepted++;
      assert.equal(c.tsMs, Date.parse(ts.replace("+00:00", "Z")), ts);
    }
  }
  assert.ok(accepted > 2000 && accepted < 18000, `accepted ${accepted}`);
  assert.equal(classifyLine(line({ ...base, ts: "\u0000AAAAAAAAAAAAAAAA00Z" })), INVALID);
});
