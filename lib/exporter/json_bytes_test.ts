import assert from "node:assert/strict";
import { ascii, matches, skipWs, stringEnd } from "./json_bytes.ts";

/** A line's bytes with the newline the reader leaves after it. */
const line = (s: string) => ascii(s + "\n");

Deno.test("ascii and matches compare bytes at a position", () => {
  const b = line('{"type":1}');
  assert.deepEqual([...ascii("ab")], [97, 98]);
  assert.ok(matches(b, 2, ascii("type")));
  assert.ok(!matches(b, 1, ascii("type")));
  assert.ok(!matches(b, 8, ascii("1}\n\n"))); // runs past the line: no match
});

Deno.test("stringEnd finds the closing quote, or declines on an escape, control char, non-ASCII or newline", () => {
  assert.equal(stringEnd(line('"abc"'), 1), 4);
  assert.equal(stringEnd(line('""'), 1), 1);
  for (const s of ['"a\\"b"', '"a\tb"', '"abc']) assert.equal(stringEnd(line(s), 1), -1, s);
  const high = line('"a?"');
  high[2] = 0xc3;
  assert.equal(stringEnd(high, 1), -1);
});

Deno.test("skipWs skips space, tab and CR only (a newline ends the line)", () => {
  assert.equal(skipWs(line(" \t\r x"), 0), 4);
  assert.equal(skipWs(line("x"), 0), 0);
  assert.equal(skipWs(line("  "), 0), 2); // stops at the newline
  assert.equal(skipWs(line("\fx"), 0), 0); // JSON whitespace is space, tab, CR, LF only
});
