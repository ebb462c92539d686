// The bus's names, part of its contract: subjects `md.trades.<venue>.<symbol>` and
// `md.bars.<venue>.<symbol>.<interval>`, and the message ids JetStream deduplicates on:
// `t:<venue>:<symbol>:<tradeId>` and `b:<venue>:<symbol>:<interval>:<openTimeMs>[:r<revision>]`.
// Two feeds on one venue publish the same ids, so the stream keeps one copy (active-active).
// Pure functions.
import type { ClosedBar, Trade } from "../market/types.ts";

export const TRADES_PREFIX = "md.trades";
export const BARS_PREFIX = "md.bars";

/**
 * Why a subject token is unusable, or null. `.` would split it into two tokens, `*` and `>` are
 * wildcards, whitespace ends a subject in the NATS protocol; `:` separates the parts of a message id,
 * where it would let two different keys share one id.
 */
export function tokenProblem(token: string): string | null {
  if (token.length === 0) return "is empty";
  const bad = /[.*>:\s]/.exec(token);
  if (bad === null) return null;
  const what = /\s/.test(bad[0]) ? "whitespace" : `"${bad[0]}"`;
  return `contains ${what} (subject tokens may not hold ".", "*", ">", ":" or whitespace)`;
}

/** Throws one TypeError naming the field and the value when a token is unusable. */
export function checkToken(field: string, token: string): string {
  const problem = tokenProblem(token);
  if (problem !== null) throw new TypeError(`bus: ${field} ${JSON.stringify(token)} ${problem}`);
  return token;
}

export function tradeSubject(venue: string, symbol: string): string {
  return `${TRADES_PREFIX}.${checkToken("venue", venue)}.${checkToken("symbol", symbol)}`;
}

export function barSubject(venue: string, symbol: string, interval: string): string {
  return `${BARS_PREFIX}.${checkToken("venue", venue)}.${checkToken("symbol", symbol)}.${
    checkToken("interval", interval)
  }`;
}

/** Which bars a subscriber wants; a missing field matches every value (a `*` token). */
export interface BarFilter {
  readonly venue?: string;
  readonly symbol?: string;
  readonly interval?: string;
}

/** The subject filter for a BarFilter, e.g. `md.bars.binance.*.1m`. */
export function barFilterSubject(f: BarFilter = {}): string {
  const tok = (field: string, v: string | undefined) => v === undefined ? "*" : checkToken(field, v);
  return `${BARS_PREFIX}.${tok("venue", f.venue)}.${tok("symbol", f.symbol)}.${tok("interval", f.interval)}`;
}

/**
 * 64-bit FNV-1a of a string's UTF-16 code units, as 16 hex digits: stable across processes and
 * machines, synchronous (the per-trade path cannot await Web Crypto), and not a security boundary.
 */
export function fnv1a64(s: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < s.length; i++) {
    h = BigInt.asUintN(64, (h ^ BigInt(s.charCodeAt(i))) * 0x100000001b3n);
  }
  return h.toString(16).padStart(16, "0");
}

/**
 * The id of a trade: the venue's own id, or for a venue without ids (Kraken v1) `h` + a hash of what
 * the venue does send (time, price, size, side). Two feeds see the same fields, so they derive the same
 * id; two real trades identical in all four collapse into one, which only a venue id could tell apart.
 */
export function tradeKey(t: Trade): string {
  if (t.tradeId !== "") return t.tradeId;
  return `h${fnv1a64(`${t.venueTimeMs}|${t.price}|${t.size}|${t.side}`)}`;
}

export function tradeMsgId(t: Trade): string {
  return `t:${checkToken("venue", t.venue)}:${checkToken("symbol", t.symbol)}:${tradeKey(t)}`;
}

/** Revision 0 is the bar as first published; a repaired bar is published again as 1, 2, ... */
export function barMsgId(b: ClosedBar, revision = 0): string {
  if (!Number.isSafeInteger(revision) || revision < 0) {
    throw new RangeError(`bus: revision must be a whole number >= 0, got ${revision}`);
  }
  const base = `b:${checkToken("venue", b.venue)}:${checkToken("symbol", b.symbol)}:${
    checkToken("interval", b.interval)
  }:${b.openTimeMs}`;
  return revision === 0 ? base : `${base}:r${revision}`;
}

/** The revision a bar message id carries (0 without a `:r<n>` suffix). */
export function revisionOf(msgId: string): number {
  const m = /:r(\d+)$/.exec(msgId);
  return m === null ? 0 : Number(m[1]);
}
