// bars.tsv reads back to the same bars, bit for bit (the recompute depends on it), and a line that is not
// a bar is refused naming the file, the line and the field; paper_orders.json likewise.
import assert from "node:assert/strict";
import { fixtureClosedBars } from "../../testing/shadow_fixture.ts";
import { parseBarsTsv, renderBarsTsv } from "./bars_tsv.ts";
import { parsePaperOrdersJson, renderPaperOrdersJson } from "./paper_orders_json.ts";

Deno.test("bars.tsv: every field back to the same bits; bad lines named", () => {
  const bars = fixtureClosedBars().map(({ venue: _v, symbol: _s, interval: _i, ...b }) => b);
  const odd = { ...bars[40], c: 0.1 + 0.2, v: 1e-9, origin: "backfill" as const };
  const all = [...bars.slice(0, 40), odd, ...bars.slice(41)];
  const text = renderBarsTsv(all);
  assert.deepEqual(parseBarsTsv(text, "bars.tsv"), all);
  assert.equal(text.split("\n")[41].split("\t")[4], "0.30000000000000004");
  const lines = text.split("\n");
  const bad = (i: number, edit: (f: string[]) => void) => {
    const f = lines[i].split("\t");
    edit(f);
    return () =>
      parseBarsTsv([...lines.slice(0, i), f.join("\t"), ...lines.slice(i + 1)].join("\n"), "bars.tsv");
  };
  assert.throws(bad(3, (f) => f[4] = "x"), {
    name: "SyntaxError",
    message: 'Cannot parse bars.tsv line 4: c "x" is not a number',
  });
  assert.throws(bad(5, (f) => f[7] = "made_up"), {
    message: 'Cannot parse bars.tsv line 6: origin "made_up"',
  });
  assert.throws(bad(2, (f) => f.pop()), {
    message: "Cannot parse bars.tsv line 3: 14 bar fields, expected 15",
  });
  assert.throws(() => parseBarsTsv("open_time\n", "bars.tsv"), {
    message: "Cannot parse bars.tsv line 1: unexpected header",
  });
});

Deno.test("paper_orders.json: the log back as written; a field out of shape named", () => {
  const log = {
    orders: [{
      clientOrderId: "rs01-1",
      correlationId: "rs01:BTCUSDT:1m:60000",
      side: "BUY" as const,
      state: "FILLED",
      fills: [{
        tradeId: 7,
        price: 6e12,
        qty: 100_000,
        quote: 6e9,
        commission: 100,
        commissionAsset: "BTC",
        timeMs: 121_500,
      }],
    }],
    tags: ["rs01"],
    runs: 2,
    otherSymbols: 0,
    problems: ["run 2: chain broken at line 3"],
    ran: { fromMs: 60_000, toMs: 130_000 },
  };
  assert.deepEqual(parsePaperOrdersJson(renderPaperOrdersJson(log)), log);
  const broken = renderPaperOrdersJson(log).replace('"side": "BUY"', '"side": "HOLD"');
  assert.throws(() => parsePaperOrdersJson(broken), {
    name: "SyntaxError",
    message: /^Cannot parse paper_orders\.json: field "orders\.0\.side" /,
  });
  assert.throws(() => parsePaperOrdersJson("{"), { message: /^Cannot parse paper_orders\.json: / });
});

Deno.test("paper_orders.json from before `ran`: one line naming the file, the missing field and the fix", () => {
  const old = JSON.stringify({ orders: [], tags: ["rs01"], runs: 1, otherSymbols: 0, problems: [] });
  assert.throws(() => parsePaperOrdersJson(old), {
    name: "SyntaxError",
    message: 'Cannot parse paper_orders.json: field "ran" is missing (written by an older release); ' +
      "regenerate the folder: run ./tp backtest --parity again with the range and --state-dir its run.json names",
  });
  // Present but null (the loop left no record) is the current shape, not a missing field.
  assert.equal(parsePaperOrdersJson(JSON.stringify({ ...JSON.parse(old), ran: null })).ran, null);
});
