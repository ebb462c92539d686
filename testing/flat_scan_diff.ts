// The differential harness of the flat-line fast path: a reference classifier (JSON.parse, then the
// contract check, as before the fast path) and checks that FlatScan/LineClassifier agree with it.
import assert from "node:assert/strict";
import {
  type FastEvent,
  LineClassifier,
  MAX_LINE_BYTES,
  OVERSIZE,
  PARSE_ERROR,
  Rejected,
} from "../lib/exporter/classify_line.ts";
import type { FlatScan } from "../lib/exporter/flat_scan.ts";
import { tsToMs } from "../lib/events/ai_event.ts";

/** The reference: exactly the pre-fast-path classify (JSON.parse, then the contract check). */
function reference(c: LineClassifier, line: string): FastEvent | Rejected {
  if (new TextEncoder().encode(line).length > MAX_LINE_BYTES) return OVERSIZE;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return PARSE_ERROR;
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return PARSE_ERROR;
  return c.check(v as Record<string, unknown>);
}

const FIELDS = ["type", "run_id", "component", "source", "latency_ms"] as const;

/** Runs a fast and a reference classifier side by side over lines; both keep their memos warm. */
export class Pair {
  readonly fast = new LineClassifier();
  readonly ref = new LineClassifier();
  accepted = 0;

  compare(line: string, got: FastEvent | Rejected): void {
    const want = reference(this.ref, line);
    const msg = JSON.stringify(line);
    if (want instanceof Rejected) {
      assert.equal(got, want, msg);
      return;
    }
    assert.ok(!(got instanceof Rejected), `${msg}: got ${(got as Rejected).reason}`);
    for (const f of FIELDS) assert.ok(Object.is(got[f], want[f]), `${msg}: ${f} ${got[f]} vs ${want[f]}`);
    assert.ok(Object.is(this.fast.tsMs, this.ref.tsMs), msg);
    assert.equal(this.fast.sameIds, this.ref.sameIds, msg);
    this.accepted++;
  }

  line(line: string): void {
    this.compare(line, this.fast.classify(line));
  }
}

/** What the scanner must report for a field of the parsed object (see FlatScan's doc). */
function expected(v: unknown, kind: "type" | "id" | "lat" | "str"): unknown {
  if (v === undefined) return undefined;
  if (kind === "type") {
    if (typeof v !== "string") return null;
    return v === "decision" || v === "action" || v === "heartbeat" ? v : "";
  }
  if (kind === "id") return typeof v === "string" ? v : null;
  if (kind === "lat") return typeof v === "number" ? v : null;
  return typeof v === "string" ? "" : null;
}

/** When scan() accepts a line, JSON.parse must too, with the same field values. Returns scan(). */
export function checkScan(s: FlatScan, line: string): boolean {
  if (!s.scan(line)) return false;
  const o = JSON.parse(line);
  assert.ok(typeof o === "object" && o !== null && !Array.isArray(o), line);
  const pairs: [unknown, unknown][] = [
    [s.tsMs, tsToMs(o.ts)],
    [s.type, expected(o.type, "type")],
    [s.run, expected(o.run_id, "id")],
    [s.comp, expected(o.component, "id")],
    [s.src, expected(o.source, "id")],
    [s.lat, expected(o.latency_ms, "lat")],
    [s.sym, expected(o.symbol, "str")],
    [s.dec, expected(o.decision, "str")],
    [s.act, expected(o.action, "str")],
  ];
  for (const [got, want] of pairs) assert.ok(Object.is(got, want), `${line}: ${got} vs ${want}`);
  return true;
}
