import assert from "node:assert/strict";
import { asciiString, TsReader } from "./ts_bytes.ts";
import { tsToMs } from "../events/ai_event.ts";

const enc = new TextEncoder();

/** TsReader.ms on the string's bytes, placed at an offset inside a bigger buffer. */
function viaBytes(r: TsReader, s: string): number {
  const b = new Uint8Array(s.length + 9);
  b.set(enc.encode(s), 5);
  return r.ms(b, 5, 5 + s.length);
}

Deno.test("ts from bytes equals tsToMs, with the minute remembered or not", () => {
  const tails = ["00Z", "07.5Z", "59.999999999Z", "07+00:00", "07.25+00:00", "07z", "07ZZ", "07", "07.Z"]
    .concat(["07.1234567891Z", "60Z", "0aZ", "07+01:00", "07.5+00:0", "7Z"]);
  const minutes = ["2026-01-01T00:00:", "2024-02-29T23:59:", "2026-02-30T00:00:", "1969-12-31T23:59:"];
  const warm = new TsReader();
  for (const m of minutes) {
    for (const t of tails) {
      const s = m + t;
      const want = tsToMs(s);
      assert.ok(Object.is(viaBytes(new TsReader(), s), want), `cold ${s}`);
      viaBytes(warm, m + "00Z"); // the minute is now remembered when valid
      assert.ok(Object.is(viaBytes(warm, s), want), `warm ${s}`);
    }
  }
  assert.ok(Object.is(viaBytes(warm, "2026-01-01T00:00:00Z".repeat(3)), NaN));
});

Deno.test("asciiString copies short and long runs exactly", () => {
  for (const s of ["", "run-a.1", "x".repeat(257), "y".repeat(5000)]) {
    const b = enc.encode(`"${s}"`);
    assert.equal(asciiString(b, 1, 1 + s.length), s);
  }
});
