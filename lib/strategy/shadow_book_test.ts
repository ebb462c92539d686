import assert from "node:assert/strict";
import { closeLong, feeFor, FLAT_BOOK, openLong, totalPnl, unrealisedPnl } from "./shadow_book.ts";

Deno.test("fees on entry and exit; realised + unrealised at the last close", () => {
  assert.equal(feeFor(60_000, 2, 10), 120);
  const open = openLong(FLAT_BOOK, 60_000, 2, 59_000, 10);
  assert.deepEqual(open, {
    size: 2,
    entryPrice: 60_000,
    stop: 59_000,
    realisedPnl: -120,
    feesPaid: 120,
    trades: 0,
  });
  assert.equal(unrealisedPnl(open, 60_500), 1000);
  assert.equal(totalPnl(open, 60_500), 880);
  const closed = closeLong(open, 61_000, 10);
  assert.deepEqual(closed, {
    size: 0,
    entryPrice: null,
    stop: null,
    realisedPnl: -120 + 2000 - 122,
    feesPaid: 242,
    trades: 1,
  });
  assert.equal(totalPnl(closed, 1), 1758);
  assert.throws(() => openLong(open, 1, 1, 0, 0), RangeError);
  assert.throws(() => closeLong(FLAT_BOOK, 1, 0), RangeError);
});
