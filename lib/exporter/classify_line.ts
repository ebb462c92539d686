// Per-line hot path: JSON.parse plus cheap typeof/charCode checks decide; zod is never called here.
// It accepts exactly what AiEventSchema accepts (same isId/tsToMs helpers; classify_line_test.ts checks
// the two agree). The slow path (explainLine) only runs to describe a line this one rejected.
import {
  type EventType,
  isId,
  rfc3339MinuteMs,
  rfc3339TailMs,
  tsToMs,
  validateEvent,
} from "../events/ai_event.ts";
import { FlatScan } from "./flat_scan.ts";

/** A line longer than this many UTF-8 bytes (newline excluded) is dropped as `oversize`. */
export const MAX_LINE_BYTES = 1 << 20;

/** Why a line was not counted as an event: `parse_error` has its own metric, the rest are drop reasons. */
export type RejectReason = "parse_error" | "invalid" | "unknown_type" | "oversize";

/** Preallocated rejections (one instance per reason) so rejecting a line allocates nothing. */
export class Rejected {
  constructor(readonly reason: RejectReason) {}
}
export const PARSE_ERROR: Rejected = new Rejected("parse_error");
export const INVALID: Rejected = new Rejected("invalid");
export const UNKNOWN_TYPE: Rejected = new Rejected("unknown_type");
export const OVERSIZE: Rejected = new Rejected("oversize");

/** The fields the exporter reads from an accepted line (the parsed object itself, not a copy). */
export interface FastEvent {
  readonly type: EventType;
  readonly run_id: string;
  readonly component: string;
  readonly source: string;
  readonly latency_ms?: number;
}

/** UTF-8 byte length of a string (lone surrogates count 3, as TextEncoder writes U+FFFD). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/**
 * Classifies lines; holds only memos of the last valid id per field and of the last valid minute
 * (pure speed-ups: the result never depends on them), plus facts about the last accepted event
 * (`tsMs`, `sameIds`) so callers need not parse or compare again.
 */
export class LineClassifier {
  tsMs = 0;
  /**
   * True when the accepted event has the same run_id, component and source as the previously
   * accepted one (no id memo moved in between), so the state can skip its own string compares.
   */
  sameIds = false;
  #idsMoved = true;
  // Only ever hold ids that passed isId (undefined at start: "" must still be checked).
  #run: string | undefined;
  #comp: string | undefined;
  #src: string | undefined;
  /** The last valid `YYYY-MM-DDTHH:MM:` seen and its epoch ms: lines within a minute skip re-parsing it. */
  #minute: string | undefined;
  #minuteMs = 0;
  /** The flat-line scanner; after classifyAt() accepted a line, its fields are the event's. */
  readonly flat: FlatScan = new FlatScan();
  /** classifyAt()'s outcome: undefined = accepted (see `flat`, `tsMs`, `sameIds`), else why not. */
  verdict: Rejected | undefined;

  /**
   * Classifies one line. Optional `bytes`/`at`: the line's bytes in the reader's buffer, one byte per
   * char, followed by a newline (see FlatScan.scan); only read during this call.
   */
  classify(line: string, bytes?: Uint8Array, at = 0): FastEvent | Rejected {
    // A UTF-16 unit is 1-3 UTF-8 bytes: only measure exactly when the cheap bounds cannot decide.
    if (
      line.length * 3 > MAX_LINE_BYTES && (line.length > MAX_LINE_BYTES || utf8Length(line) > MAX_LINE_BYTES)
    ) {
      return OVERSIZE;
    }
    // Flat lines (nearly all) skip JSON.parse; the scanner declines anything else, which then
    // takes the JSON.parse path below. Both end in the same #verdict.
    const f = this.flat;
    if (f.scan(line, bytes, at)) {
      const r = this.#verdict(f.type, f.tsMs, f.run, f.comp, f.src, f.lat, f.sym, f.dec, f.act);
      if (r !== undefined) return r;
      return {
        type: f.type as EventType,
        run_id: f.run as string,
        component: f.comp as string,
        source: f.src as string,
        latency_ms: f.lat as number | undefined,
      };
    }
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      return PARSE_ERROR;
    }
    if (typeof v !== "object" || v === null || Array.isArray(v)) return PARSE_ERROR;
    return this.check(v as Record<string, unknown>);
  }

  /**
   * The byte path: classifies the line at b[p], which ends at the next newline byte. Returns that
   * newline's index with the outcome in `verdict`, or -1 when the flat scanner declines the line:
   * the caller then decodes it and calls classify(). No string is made for an accepted line.
   */
  classifyAt(b: Uint8Array, p: number): number {
    const f = this.flat;
    const nl = f.scanBytes(b, p);
    if (nl < 0) return -1;
    // An accepted line is plain ASCII (one byte a char), so its byte length is its UTF-8 length.
    this.verdict = nl - p > MAX_LINE_BYTES
      ? OVERSIZE
      : this.#verdict(f.type, f.tsMs, f.run, f.comp, f.src, f.lat, f.sym, f.dec, f.act);
    return nl;
  }

  /** The contract check on an already-parsed object. */
  check(o: Record<string, unknown>): FastEvent | Rejected {
    const r = this.#verdict(
      o.type,
      this.#tsMs(o.ts),
      o.run_id,
      o.component,
      o.source,
      o.latency_ms,
      o.symbol,
      o.decision,
      o.action,
    );
    return r !== undefined ? r : o as unknown as FastEvent;
  }

  /** tsToMs of a parsed ts value, skipping the minute's parse while it repeats. */
  #tsMs(ts: unknown): number {
    const minute = this.#minute;
    if (typeof ts === "string" && minute !== undefined && ts.startsWith(minute)) {
      return this.#minuteMs + rfc3339TailMs(ts);
    }
    const ms = tsToMs(ts);
    if (typeof ts === "string" && ms === ms) {
      this.#minute = ts.slice(0, 17);
      this.#minuteMs = rfc3339MinuteMs(ts);
    }
    return ms;
  }

  /** The contract check on field values (ms: tsToMs of ts); undefined = accepted (tsMs, sameIds set). */
  #verdict(
    type: unknown,
    ms: number,
    run: unknown,
    comp: unknown,
    src: unknown,
    lat: unknown,
    sym: unknown,
    dec: unknown,
    act: unknown,
  ): Rejected | undefined {
    if (type !== "decision" && type !== "action" && type !== "heartbeat") {
      return typeof type === "string" ? UNKNOWN_TYPE : INVALID;
    }
    if (ms !== ms) return INVALID; // NaN
    if (typeof run !== "string" || typeof comp !== "string" || typeof src !== "string") return INVALID;
    if (run !== this.#run) {
      if (!isId(run)) return INVALID;
      this.#run = run;
      this.#idsMoved = true;
    }
    if (comp !== this.#comp) {
      if (!isId(comp)) return INVALID;
      this.#comp = comp;
      this.#idsMoved = true;
    }
    if (src !== this.#src) {
      if (!isId(src)) return INVALID;
      this.#src = src;
      this.#idsMoved = true;
    }
    if (lat !== undefined && !(typeof lat === "number" && lat >= 0 && lat !== Infinity)) return INVALID;
    if (
      (sym !== undefined && typeof sym !== "string") || (dec !== undefined && typeof dec !== "string") ||
      (act !== undefined && typeof act !== "string")
    ) return INVALID;
    this.tsMs = ms;
    this.sameIds = !this.#idsMoved;
    this.#idsMoved = false;
    return undefined;
  }
}

/** Classifies one line (string or UTF-8 bytes without the newline) with a fresh classifier. */
export function classifyLine(line: string | Uint8Array): FastEvent | Rejected {
  return new LineClassifier().classify(typeof line === "string" ? line : new TextDecoder().decode(line));
}

/** The precise, human reason a line was rejected, e.g. `field "run_id" is missing` (slow path: zod). */
export function explainLine(line: string): string {
  const r = classifyLine(line);
  if (!(r instanceof Rejected)) return "valid";
  if (r === OVERSIZE) return `line is longer than ${MAX_LINE_BYTES} bytes`;
  if (r === PARSE_ERROR) {
    try {
      JSON.parse(line);
      return "not a JSON object";
    } catch (err) {
      return `not JSON (${err instanceof SyntaxError ? err.message : String(err)})`;
    }
  }
  if (r === UNKNOWN_TYPE) {
    return `unknown type ${JSON.stringify((JSON.parse(line) as { type: string }).type)}`;
  }
  const v = validateEvent(JSON.parse(line));
  return v.ok ? "valid" : v.message;
}
