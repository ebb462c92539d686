import assert from "node:assert/strict";
import { ohlcvOfRow } from "./ohlcv_file.ts";

Deno.test("ohlcvOfRow: t becomes openTimeMs, OHLCV kept, other fields dropped", () => {
  const row = { t: 60_000, o: 1, h: 3, l: 0.5, c: 2, v: 7, extra: "x" };
  assert.deepEqual(ohlcvOfRow(row), { openTimeMs: 60_000, o: 1, h: 3, l: 0.5, c: 2, v: 7 });
});
