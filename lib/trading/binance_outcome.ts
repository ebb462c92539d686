// Binance answers -> Outcome (binance_trading.md §4, §8). Definitive only when the venue proved the
// request did nothing: a 4xx carrying a Binance error code, or a 429/418 rate-limit refusal. A 5xx,
// -1006/-1007 ("execution status unknown"), a timeout, a dropped connection, a 408/409 or an answer we
// cannot read are ambiguous: the order may exist, so the loop must look before acting again.
import type { Outcome, RejectReason } from "./venue.ts";

/** What came back on the wire; `text` is the raw body. */
export interface WireAnswer {
  readonly status: number;
  readonly text: string;
  /** Retry-After in seconds (REST header) when present. */
  readonly retryAfterSec?: number | null;
}

export interface VenueError {
  readonly code: number;
  readonly msg: string;
}

const UNKNOWN_STATUS_CODES = new Set([-1006, -1007]);

/** A Binance error body `{"code": <negative int>, "msg": "..."}`, or null. */
export function venueError(body: unknown): VenueError | null {
  if (!body || typeof body !== "object") return null;
  const { code, msg } = body as Record<string, unknown>;
  if (typeof code !== "number" || !Number.isInteger(code) || code >= 0) return null;
  return { code, msg: typeof msg === "string" ? msg : "" };
}

/** The venue-neutral reason for a Binance error code and message. */
export function rejectReason(code: number, msg: string): RejectReason {
  switch (code) {
    case -2010:
      if (msg === "Duplicate order sent.") return "duplicate_client_id";
      if (msg === "Account has insufficient balance for requested action.") return "insufficient_balance";
      if (msg === "Order would immediately match and take.") return "would_take";
      return msg.startsWith("Filter failure") ? "filter" : "other";
    case -1013:
      return msg.startsWith("Filter failure") ? "filter" : "bad_request";
    case -2011:
      return msg === "Unknown order sent." ? "not_found" : "other";
    case -2013:
    case -2026:
      return "not_found";
    case -1021:
      return "timestamp";
    case -1022:
    case -2014:
    case -2015:
      return "auth";
    case -1003:
    case -1015:
      return "rate_limited";
  }
  return code <= -1100 && code > -1200 ? "bad_request" : "other";
}

function ambiguous<T>(cause: string, httpStatus?: number, code?: number): Outcome<T> {
  return {
    kind: "ambiguous",
    cause,
    ...(code === undefined ? {} : { code }),
    ...(httpStatus === undefined ? {} : { httpStatus }),
  };
}

/** A transport failure (timeout, reset, refused...): the request may have reached the venue. */
export function transportOutcome<T>(cause: string): Outcome<T> {
  return ambiguous(cause);
}

/**
 * Classifies one answer. `parse` turns a 2xx JSON body into the value (throwing on a bad shape);
 * `nowMs` dates a Retry-After.
 */
export function classify<T>(a: WireAnswer, parse: (json: unknown) => T, nowMs: number): Outcome<T> {
  let body: unknown = undefined;
  try {
    body = a.text === "" ? undefined : JSON.parse(a.text);
  } catch {
    body = undefined;
  }
  if (a.status >= 200 && a.status < 300) {
    if (body === undefined) return ambiguous(`unreadable ${a.status} answer`, a.status);
    try {
      return { kind: "confirmed", value: parse(body) };
    } catch (e) {
      return ambiguous(`unexpected ${a.status} answer: ${(e as Error).message}`, a.status);
    }
  }
  return classifyError(a.status, venueError(body), a.retryAfterSec ?? null, nowMs);
}

/** A non-2xx status with its (maybe absent) Binance error: shared by REST and the WebSocket API. */
export function classifyError<T>(
  status: number,
  err: VenueError | null,
  retryAfterSec: number | null,
  nowMs: number,
): Outcome<T> {
  if (status >= 500) return ambiguous(`HTTP ${status}: execution status unknown`, status, err?.code);
  if (err && UNKNOWN_STATUS_CODES.has(err.code)) {
    return ambiguous(`${err.code} ${err.msg}`, status, err.code);
  }
  if (status === 429 || status === 418) {
    const waitMs = Math.max(0, retryAfterSec ?? 0) * 1000;
    return {
      kind: "rejected",
      reason: "rate_limited",
      code: err?.code ?? null,
      msg: err?.msg ?? `HTTP ${status}`,
      httpStatus: status,
      retryAtMs: nowMs + waitMs,
      retryInMs: waitMs,
    };
  }
  if (err) {
    return {
      kind: "rejected",
      reason: rejectReason(err.code, err.msg),
      code: err.code,
      msg: err.msg,
      httpStatus: status,
    };
  }
  // 408 (a proxy's timeout) and 409 (cancel-replace partly done) may have changed state.
  if (status === 408 || status === 409 || status < 400) {
    return ambiguous(`HTTP ${status} without a venue answer`, status);
  }
  return {
    kind: "rejected",
    reason: "other",
    code: null,
    msg: `HTTP ${status} without a venue error body`,
    httpStatus: status,
  };
}
