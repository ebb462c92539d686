import assert from "node:assert/strict";
import { IdMemo } from "./id_memo.ts";

const enc = new TextEncoder();

/** The id in a `"key":"id"` line, read through the memo as the scanner does (body bounds in b). */
function read(m: IdMemo, id: string): string {
  const b = enc.encode(`{"run_id":"${id}"}`), start = 11;
  return m.get(b, start, start + id.length);
}

Deno.test("a repeated id comes from the memo: the same string, found by bytes", () => {
  const m = new IdMemo();
  const a = read(m, "run-a.1"), b = read(m, "run-b:2");
  assert.equal(a, "run-a.1");
  assert.equal(b, "run-b:2");
  assert.equal(read(m, "run-a.1"), a);
  assert.equal(read(m, "run-b:2"), b);
});

Deno.test("more ids than slots, and ids longer than a slot, still read exactly", () => {
  const m = new IdMemo();
  const long = "x".repeat(100);
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 20; i++) assert.equal(read(m, `r-${i}`), `r-${i}`);
    assert.equal(read(m, long), long);
  }
});

Deno.test("the line's bytes may start at an offset inside a bigger buffer", () => {
  const m = new IdMemo();
  const s = '{"source":"strategy"}', pad = 7;
  const b = new Uint8Array(pad + s.length);
  b.set(enc.encode(s), pad);
  assert.equal(m.get(b, pad + 11, pad + 19), "strategy");
  assert.equal(m.get(b, pad + 11, pad + 19), "strategy");
});
