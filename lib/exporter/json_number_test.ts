import assert from "node:assert/strict";
import { NumberReader } from "./json_number.ts";

/** Reads the number at the start of `text` (then the line's newline); [end, value] or [-1, value]. */
function read(text: string, want = true, pad = 0): [number, number] {
  const b = new Uint8Array(pad + text.length + 1);
  b.set(new TextEncoder().encode(text + "\n"), pad);
  const r = new NumberReader();
  r.value = Number.NaN;
  const end = r.read(b, pad, want);
  return [end < 0 ? -1 : end - pad, r.value];
}

Deno.test("valid JSON numbers: where they end and JSON.parse's value, also at an offset", () => {
  for (const t of ["0", "-0", "12.50", "1e+2", "1E-5", "-5", "1767225600000", "0.1", "216.4", "1e400"]) {
    const [end, v] = read(t + ",", true, 3);
    assert.equal(end, t.length, t);
    assert.ok(Object.is(v, JSON.parse(t)), `${t}: ${v}`);
  }
});

Deno.test("more than 15 digits or an exponent: the engine's own conversion, still exact", () => {
  for (const t of ["9007199254740993", "0.12345678901234567", "123.4567890123456", "5e-324", "2e-324"]) {
    assert.ok(Object.is(read(t)[1], JSON.parse(t)), t);
  }
});

Deno.test("not JSON numbers: declined", () => {
  for (const t of ["01", "-", "1.", ".5", "1e", "1e+", "+1", "-x"]) {
    const [end] = read(t);
    // "01" is "0" then a stray digit: the scanner declines at the digit, not here.
    if (t === "01") assert.equal(end, 1);
    else assert.equal(end, -1, t);
  }
});

Deno.test("without want the value is left alone", () => {
  assert.deepEqual(read("42", false), [2, Number.NaN]);
});
