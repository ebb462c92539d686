import assert from "node:assert/strict";
import { formatAtoms, mulAtoms, parseAtoms } from "./decimal.ts";

Deno.test("parseAtoms: Binance decimal strings to 1e-8 atoms, trailing zeros free, problems named", () => {
  assert.equal(parseAtoms("0.01000000"), 1_000_000);
  assert.equal(parseAtoms("60000.12"), 6_000_012_000_000);
  assert.equal(parseAtoms("1"), 100_000_000);
  assert.equal(parseAtoms("0.000000010000"), 1);
  assert.equal(parseAtoms("0.000000001"), "precision");
  for (const bad of ["", "-1", "1e5", ".5", "1.", " 1", "0x10", "NaN"]) {
    assert.equal(parseAtoms(bad), "illegal", bad);
  }
  assert.equal(parseAtoms("99999999999999999999"), "range");
});

Deno.test("formatAtoms prints 8 places; mulAtoms rounds half up exactly", () => {
  assert.equal(formatAtoms(0), "0.00000000");
  assert.equal(formatAtoms(1), "0.00000001");
  assert.equal(formatAtoms(6_000_012_000_000), "60000.12000000");
  assert.equal(formatAtoms(-150_000_000), "-1.50000000");
  assert.equal(mulAtoms(400_000, 100_000), 400); // 0.004 BTC at 10 bps
  assert.equal(mulAtoms(5, 10_000_000), 1); // 0.5 atom rounds up
  assert.equal(mulAtoms(4, 10_000_000), 0);
  assert.equal(mulAtoms(9_000_000_000_000_000 / 1000, 100_000_000), 9_000_000_000_000);
});
