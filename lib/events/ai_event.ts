// The ai_event v1 contract: ONE zod schema that every writer (strategy, emitter) and reader (exporter)
// shares. The exporter's fast path (lib/exporter/classify_line.ts) calls the same isId/tsToMs helpers the schema
// refines with, so the fast path and zod cannot disagree about what is valid.
import { z } from "zod";

export const AI_EVENT_VERSION = 1;
export const EVENT_TYPES = ["decision", "action", "heartbeat"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** run_id, component, source: 1-64 chars of [A-Za-z0-9._:-] (safe as Prometheus label values). */
export const ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

export function isId(s: string): boolean {
  return ID_PATTERN.test(s);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Two ASCII digits at i as a number, or a negative number when either is not a digit. */
function d2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48, b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Epoch ms of the minute `YYYY-MM-DDTHH:MM:` that starts an RFC 3339 UTC timestamp (year >= 1970),
 * or NaN. Hand-rolled integer arithmetic: Date.parse per event line was the slowest step of ingestion
 * after JSON.parse. Split from the seconds part so a reader can reuse a minute it already checked.
 */
export function rfc3339MinuteMs(s: string): number {
  if (s.length < 20 || s.length > 40) return NaN;
  if (
    s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 ||
    s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58
  ) return NaN;
  const y1 = d2(s, 0), y2 = d2(s, 2), mo = d2(s, 5), d = d2(s, 8), h = d2(s, 11), mi = d2(s, 14);
  if (y1 < 19 || y2 < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59) return NaN;
  const y = y1 * 100 + y2;
  if (y < 1970) return NaN;
  if (
    d > DAYS_IN_MONTH[mo - 1] && !(mo === 2 && d === 29 && (y % 4 === 0 && y % 100 !== 0 || y % 400 === 0))
  ) {
    return NaN;
  }
  return ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60000;
}

/** Ms within the minute of the `SS[.fraction](Z|+00:00)` tail (from index 17), or NaN. */
export function rfc3339TailMs(s: string): number {
  const n = s.length;
  if (n < 20 || n > 40) return NaN;
  const sec = d2(s, 17);
  if (sec < 0 || sec > 59) return NaN;
  let i = 19;
  let frac = 0;
  if (s.charCodeAt(i) === 46) {
    let scale = 100;
    i++;
    const start = i;
    while (i < n) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      frac += c * scale;
      scale /= 10;
      i++;
    }
    if (i === start || i - start > 9) return NaN;
  }
  const rest = n - i;
  if (!(rest === 1 && s.charCodeAt(i) === 90) && !(rest === 6 && s.endsWith("+00:00"))) return NaN;
  return sec * 1000 + frac;
}

/** Epoch ms of an RFC 3339 UTC timestamp `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+00:00)`, or NaN. */
export function rfc3339UtcToMs(s: string): number {
  return rfc3339MinuteMs(s) + rfc3339TailMs(s);
}

/** Latest accepted time: 9999-12-31T23:59:59.999Z, so every ts renders as a plain decimal. */
export const MAX_TS_MS = 253402300799999;

/** Epoch ms of a `ts` field value (RFC 3339 UTC string or epoch-ms number in [0, MAX_TS_MS]), or NaN. */
export function tsToMs(ts: unknown): number {
  if (typeof ts === "number") return ts >= 0 && ts <= MAX_TS_MS ? ts : NaN;
  if (typeof ts === "string") return rfc3339UtcToMs(ts);
  return NaN;
}

const Id = z.string().regex(ID_PATTERN, "must be 1-64 characters of [A-Za-z0-9._:-]");

export const AiEventSchema = z.looseObject({
  ts: z.union([
    z.string().refine(
      (s) => !Number.isNaN(rfc3339UtcToMs(s)),
      "must be an RFC 3339 UTC time ending in Z or +00:00",
    ),
    z.number().nonnegative().max(MAX_TS_MS),
  ]),
  type: z.enum(EVENT_TYPES),
  run_id: Id,
  component: Id,
  source: Id,
  latency_ms: z.number().finite().nonnegative().optional(),
  symbol: z.string().optional(),
  decision: z.string().optional(),
  action: z.string().optional(),
});

/** One ai_event v1 line, as written and read. Other fields are kept and ignored by the exporter. */
export type AiEvent = z.infer<typeof AiEventSchema>;
export type AiEventInput = z.input<typeof AiEventSchema>;

/** Builds a valid event or throws a TypeError naming the first bad field. */
export function makeEvent(input: AiEventInput): AiEvent {
  const r = validateEvent(input);
  if (!r.ok) throw new TypeError(`Invalid ai_event: ${r.message}`);
  return r.event;
}

export type Validation = { ok: true; event: AiEvent } | { ok: false; message: string };

/** Validates any value against the contract; the message names the field, e.g. `field "run_id" is missing`. */
export function validateEvent(value: unknown): Validation {
  const r = AiEventSchema.safeParse(value);
  if (r.success) return { ok: true, event: r.data };
  const issue = r.error.issues[0];
  const field = issue.path.map(String).join(".");
  if (!field) return { ok: false, message: `not a JSON object (${issue.message})` };
  const missing = issue.path.length === 1 && (value as Record<string, unknown>)[field] === undefined;
  return {
    ok: false,
    message: missing ? `field "${field}" is missing` : `field "${field}" ${issue.message}`,
  };
}

/** One JSON line (with newline) for an event: the writers' single serialisation. */
export function eventLine(event: AiEvent): string {
  return JSON.stringify(event) + "\n";
}
