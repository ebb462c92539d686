import assert from "node:assert/strict";
import { closest, editDistance } from "./closest.ts";

Deno.test("editDistance counts inserts, deletes, substitutions and neighbour swaps", () => {
  assert.equal(editDistance("SYMBOLS", "SYMBOLS"), 0);
  assert.equal(editDistance("SYMBOLZ", "SYMBOLS"), 1);
  assert.equal(editDistance("SYMBOL", "SYMBOLS"), 1);
  assert.equal(editDistance("SYMBLOS", "SYMBOLS"), 1);
  assert.equal(editDistance("", "abc"), 3);
});

Deno.test("closest names the nearest known word, or null when nothing is near", () => {
  const keys = ["SYMBOLS", "INTERVALS", "STORE_PATH", "STORE_THREADS"];
  assert.equal(closest("SYMBOLZ", keys), "SYMBOLS");
  assert.equal(closest("interval", keys), "INTERVALS");
  assert.equal(closest("STORE_PAHT", keys), "STORE_PATH");
  assert.equal(closest("NOTHING_LIKE_IT", keys), null);
  assert.equal(closest("x", []), null);
});
