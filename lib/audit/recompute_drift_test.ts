// A drift report's folder re-judged from its own bars.tsv: agrees as written; a changed bar, a changed
// setting or a hand-edited value is named.
import assert from "node:assert/strict";
import { join } from "node:path";
import { walkBars } from "../../testing/walk_bars.ts";
import { DEFAULT_DRIFT_FEATURES } from "../drift/drift_features.ts";
import { BarStore } from "../store/bar_store.ts";
import { DRIFT_HEADER } from "../verify/drift_gates.ts";
import { runDriftReport } from "../verify/drift_report.ts";
import { recomputeDrift } from "./recompute_drift.ts";

Deno.test("drift_report: recomputed from bars.tsv it agrees; a changed bar, seed or value disagrees, by name", async () => {
  const dir = await Deno.makeTempDir({ prefix: "recompute_drift_" });
  try {
    const db = join(dir, "feed.duckdb");
    const store = await BarStore.open(db);
    await store.upsertBars(walkBars({
      venue: "bybit",
      symbol: "ETH-USDT",
      interval: "1h",
      firstOpenTimeMs: Date.UTC(2026, 1, 1),
      startPrice: 3000,
      seed: 4,
      regimes: [{ count: 168 * 2, sigma: 0.01, volume: 40 }],
    }));
    await store.close();
    const res = await runDriftReport({
      db,
      venue: "bybit",
      symbol: "ETH-USDT",
      interval: "1h",
      bars: 168,
      minBars: 100,
      judge: { bins: 10, resamples: 100, seed: 5, block: 30, features: DEFAULT_DRIFT_FEATURES },
      textfileDir: join(dir, "textfile"),
      evidenceRoot: join(dir, "ev"),
    });
    const rows = await recomputeDrift(res.dir);
    assert.deepEqual(rows.filter((r) => r.verdict !== "AGREE"), []);
    assert.deepEqual(rows.map((r) => r.check), [
      ...DRIFT_HEADER.map((k) => `summary.json ${k}`),
      ...DEFAULT_DRIFT_FEATURES.map((f) => `gate psi_${f}`),
      "verdict",
      "drift_psi.tsv",
      ...DEFAULT_DRIFT_FEATURES.map((f) => `hist_${f}.svg`),
      "DRIFT_REPORT_SUMMARY.txt",
    ]);

    const bars = join(res.dir, "bars.tsv"), text = await Deno.readTextFile(bars);
    const lines = text.split("\n");
    const last = lines.length - 2; // a current-window bar: its volume times 100
    const f = lines[last].split("\t");
    f[6] = String(Number(f[6]) * 100);
    lines[last] = f.join("\t");
    await Deno.writeTextFile(bars, lines.join("\n"));
    const bad = (await recomputeDrift(res.dir)).filter((r) => r.verdict === "DISAGREE").map((r) => r.check);
    assert.ok(bad.includes("gate psi_volume"), bad.join(","));
    assert.ok(!bad.includes("gate psi_rsi_14"), bad.join(","));
    await Deno.writeTextFile(bars, text);

    const run = join(res.dir, "run.json"), runText = await Deno.readTextFile(run);
    await Deno.writeTextFile(run, runText.replace('"seed": 5', '"seed": 6'));
    const reseeded = (await recomputeDrift(res.dir)).filter((r) => r.verdict === "DISAGREE");
    const gateRows = reseeded.filter((r) => r.check.startsWith("gate "));
    assert.equal(gateRows.length, DEFAULT_DRIFT_FEATURES.length); // every null p95 moved
    assert.ok(
      gateRows.every((r) => /detail differs: stored "null_p95 /.test(r.note)),
      JSON.stringify(gateRows),
    );
    await Deno.writeTextFile(run, "{}");
    assert.deepEqual((await recomputeDrift(res.dir)).map((r) => [r.check, r.verdict]), [[
      "settings",
      "DISAGREE",
    ]]);
    await Deno.writeTextFile(run, runText);

    const tsv = join(res.dir, "drift_psi.tsv");
    await Deno.writeTextFile(tsv, (await Deno.readTextFile(tsv)).replace(/\tno\n/, "\tyes\n"));
    assert.deepEqual(
      (await recomputeDrift(res.dir)).filter((r) => r.verdict === "DISAGREE").map((r) => r.check),
      ["drift_psi.tsv"],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
