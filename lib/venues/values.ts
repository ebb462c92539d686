// Shared value parsing for the pure mappers: decimals, venue time formats, result builders.
// A bad value throws FrameDrop; `guardMap` turns that (or any shape error) into a counted drop,
// so the per-trade hot path stays free of per-field branching on results.
import type { MarketEvent, VenueKline } from "../market/types.ts";
import type { DropReason, FrameKind, MapResult } from "./adapter.ts";

const NO_EVENTS: readonly MarketEvent[] = Object.freeze([]);

/** Thrown inside a mapper to drop the whole frame with a reason. */
export class FrameDrop {
  constructor(readonly reason: DropReason) {}
}

export function dropped(reason: DropReason, detail?: string): MapResult {
  return detail === undefined ? { kind: "dropped", events: NO_EVENTS, reason } : {
    kind: "dropped",
    events: NO_EVENTS,
    reason,
    detail,
  };
}

/** A frame without events: ack, heartbeat, pong, status, error or shutdown. */
export function control(
  kind: Exclude<FrameKind, "data" | "dropped">,
  extra: Partial<MapResult> = {},
): MapResult {
  return { kind, events: NO_EVENTS, ...extra };
}

export function data(events: MarketEvent[], snapshot = false): MapResult {
  return snapshot ? { kind: "data", events, snapshot: true } : { kind: "data", events };
}

/**
 * Runs a mapper body; a FrameDrop becomes that drop, any other throw (a field missing where the
 * venue format promises one) becomes "unexpected_shape". Mappers therefore never throw.
 */
export function guardMap(raw: string, body: (msg: unknown) => MapResult): MapResult {
  let msg: unknown;
  try {
    msg = JSON.parse(raw);
  } catch {
    return dropped("malformed_json");
  }
  try {
    return body(msg);
  } catch (err) {
    if (err instanceof FrameDrop) return dropped(err.reason);
    return dropped("unexpected_shape", err instanceof Error ? err.message : String(err));
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

// Plain decimal text only: Number() alone would accept "", " 1", "0x10" and "Infinity".
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A decimal string (or JSON number, Kraken v2) as a finite number; else FrameDrop invalid_value. */
export function decimal(v: unknown): number {
  const n = typeof v === "number" ? v : typeof v === "string" && DECIMAL.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new FrameDrop("invalid_value");
  return n;
}

/** A price: finite and > 0. */
export function price(v: unknown): number {
  const n = decimal(v);
  if (n <= 0) throw new FrameDrop("invalid_value");
  return n;
}

/** A trade size: finite and > 0 (a zero-size trade is not a trade). */
export function size(v: unknown): number {
  const n = decimal(v);
  if (n <= 0) throw new FrameDrop("invalid_value");
  return n;
}

/** A bar volume: finite and >= 0 (quiet bars have zero volume). */
export function volume(v: unknown): number {
  const n = decimal(v);
  if (n < 0) throw new FrameDrop("invalid_value");
  return n;
}

/** A count (trades per bar): non-negative integer. */
export function count(v: unknown): number {
  const n = decimal(v);
  if (n < 0 || !Number.isInteger(n)) throw new FrameDrop("invalid_value");
  return n;
}

// Epoch ms today is ~1.7e12 and epoch µs ~1.7e15: anything above 1e14 must be µs.
const MICROS_ABOVE = 1e14;

/** Epoch milliseconds from an int or digit string; µs (Binance timeUnit=MICROSECOND) by magnitude. */
export function epochMs(v: unknown): number {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) throw new FrameDrop("invalid_value");
  return n > MICROS_ABOVE ? n / 1000 : n;
}

/** Float-seconds text (Kraken v1 "1618678142.557535") as ms, via integer µs so no float drift. */
export function secondsTextMs(v: unknown): number {
  const m = typeof v === "string" ? /^(\d+)(?:\.(\d+))?$/.exec(v) : null;
  if (!m) throw new FrameDrop("invalid_value");
  const micros = Number(m[1] + (m[2] ?? "").padEnd(6, "0").slice(0, 6));
  if (!Number.isSafeInteger(micros) || micros <= 0) throw new FrameDrop("invalid_value");
  return micros / 1000;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/** RFC 3339 with any fraction (Kraken v2 µs, sometimes ns) as ms, kept to µs precision. */
export function rfc3339Ms(v: unknown): number {
  const m = typeof v === "string" ? RFC3339.exec(v) : null;
  const whole = m ? Date.parse(m[1] + m[3]) : NaN;
  if (!m || !Number.isFinite(whole)) throw new FrameDrop("invalid_value");
  return (whole * 1000 + Number((m[2] ?? "").padEnd(6, "0").slice(0, 6))) / 1000;
}

/** Taker side from a venue's spelling. */
export function side(v: unknown): "buy" | "sell" {
  switch (v) {
    case "buy":
    case "Buy":
    case "b":
      return "buy";
    case "sell":
    case "Sell":
    case "s":
      return "sell";
  }
  throw new FrameDrop("invalid_value");
}

/** A venue id (int or string) as a string; ints above 2^53 are already corrupted, so refuse them. */
export function idString(v: unknown): string {
  if (typeof v === "string" && v !== "") return v;
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return String(v);
  throw new FrameDrop("invalid_value");
}

/** Maps REST rows, oldest first, closed only; a bad row fails the whole response with its index. */
export function restRows(
  rows: readonly unknown[],
  one: (row: unknown) => VenueKline | null,
  venue: string,
): VenueKline[] {
  const out: VenueKline[] = [];
  rows.forEach((row, i) => {
    try {
      const k = one(row);
      if (k) out.push(k);
    } catch (err) {
      const why = err instanceof FrameDrop ? err.reason : err instanceof Error ? err.message : String(err);
      throw new TypeError(`Cannot parse ${venue} kline row ${i}: ${why}`);
    }
  });
  return out.sort((a, b) => a.openTimeMs - b.openTimeMs);
}
