// Checks that a venue fast path (lib/feed/fast_paths.ts) never changes a result: on any frame it
// either declines (null) or gives exactly the generic mapper's result. Mutations of a good frame
// probe the layout's edges: reordered keys, escapes, extra fields, exponents, non-ASCII text, cuts.
import assert from "node:assert/strict";
import type { FastPath } from "../lib/feed/fast_paths.ts";
import type { MapResult } from "../lib/venues/adapter.ts";

/** "fast" when the fast path took the frame (and agreed), "declined" when it left it to the generic one. */
export function agrees(
  fast: FastPath,
  generic: (raw: string, receivedAtMs: number) => MapResult,
  raw: string,
  receivedAtMs = 1_700_000_000_123,
): "fast" | "declined" {
  const f = fast(raw, receivedAtMs);
  if (f === null) return "declined";
  assert.deepEqual(f, generic(raw, receivedAtMs), raw);
  return "fast";
}

/** Every object's keys in reverse order (same JSON value, other layout). */
function reversed(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reversed);
  if (typeof v !== "object" || v === null) return v;
  return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reversed(x)]));
}

/** Each match of `re` in `raw` replaced on its own, one variant per match. */
function each(raw: string, re: RegExp, to: (m: RegExpExecArray) => string): string[] {
  const out: string[] = [];
  for (const m of raw.matchAll(new RegExp(re.source, "g"))) {
    out.push(raw.slice(0, m.index) + to(m as RegExpExecArray) + raw.slice(m.index! + m[0].length));
  }
  return out;
}

/**
 * Mutations of a frame the fast path takes that it must decline: same or invalid JSON in another
 * layout. (The generic mapper decides them; agrees() checks nothing else changed.)
 */
export function mustDecline(raw: string): [string, string][] {
  const out: [string, string][] = [];
  const add = (name: string, xs: string[]) =>
    xs.forEach((x, i) => x !== raw && out.push([`${name} #${i}`, x]));
  const value = JSON.parse(raw);
  add("whitespace", [JSON.stringify(value, null, 1)]);
  add("reordered keys", [JSON.stringify(reversed(value))]);
  add(
    "escaped string",
    each(raw, /"([^"\\])/, (m) => `"\\u00${m[1].charCodeAt(0).toString(16).padStart(2, "0")}`),
  );
  add("non-ASCII string", each(raw, /([^"\\])"/, (m) => `${m[1]}é"`));
  add("exponent number", each(raw, /:(\d+)(?=[,}\]])/, (m) => `:${m[1]}e0`));
  add("exponent bare decimal", each(raw, /:(\d+\.\d+)(?=[,}\]])/, (m) => `:${m[1]}e0`));
  add("exponent decimal", each(raw, /"(\d+\.\d+)"/, (m) => `"${m[1]}e0"`));
  add("extra field first", each(raw, /\{/, () => '{"zz":1,'));
  add("extra field last", each(raw, /\}/, () => ',"zz":1}'));
  add("duplicate key", each(raw, /,("[a-zA-Z]+":"?[\w.]+"?)\}/, (m) => `,${m[1]},${m[1]}}`));
  add("truncated", [1, 2, 10, raw.length >> 1, raw.length - 2, raw.length - 1].map((n) => raw.slice(0, n)));
  add("trailing garbage", [raw + "x", raw + " ", raw + "}"]);
  return out;
}

/** Single-character edits at every position: the fast path may take some, but must then agree. */
export function edits(raw: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    out.push(raw.slice(0, i) + raw.slice(i + 1));
    for (const c of '09",}]\\e-. ') if (raw[i] !== c) out.push(raw.slice(0, i) + c + raw.slice(i + 1));
  }
  return out;
}
