import assert from "node:assert/strict";
import { contractBar } from "../../testing/bar_store_contract.ts";
import { barParams, copyText, lastPerKey, PG_UPSERT_BAR } from "./pg_bar_sql.ts";

Deno.test("copyText: one tab-separated line per bar in column order, nulls as \\N, -0 keeps its sign", () => {
  const b = contractBar(1); // ema_12, ema_26 and atr_14 null; rsi_14 -0
  assert.equal(
    copyText([b]),
    [
      "binance",
      "BTC-USDT",
      "1m",
      String(b.openTimeMs),
      "101",
      "102.5",
      "100.25",
      String(b.c),
      String(b.v),
      "1",
      "trades",
      "\\N",
      "\\N",
      "1e-300",
      "-0",
      "\\N",
      String(100 + 1 / 3),
      String(b.closedAtMs),
    ].join("\t") + "\n",
  );
  assert.equal(copyText([]), "");
});

Deno.test("barParams: the upsert's 18 parameters, doubles as shortest round-trip text", () => {
  const p = barParams(contractBar(2));
  assert.equal(p.length, (PG_UPSERT_BAR.match(/\$\d+/g) ?? []).length);
  assert.equal(Number(p[7]), contractBar(2).c);
});

Deno.test("lastPerKey: the last copy of each key, in key order", () => {
  const a = contractBar(2, { c: 1 }), b = contractBar(1), c = contractBar(2, { c: 3 });
  const okx = contractBar(0, { venue: "okx" });
  assert.deepEqual(lastPerKey([okx, a, b, c]), [b, c, okx]);
});
