// A re-sealed drift folder whose summary header lies (flagged_features=none, bins=20 where run.json
// says 10) and whose flagged feature's chart was swapped for a calm one fails `evidence check`, each row
// naming the key or file; so does a missing chart and a chart of a feature the report never judged.
import assert from "node:assert/strict";
import { join } from "node:path";
import { checkFolder } from "../lib/audit/check.ts";
import { DEFAULT_DRIFT_FEATURES } from "../lib/drift/drift_features.ts";
import { BarStore } from "../lib/store/bar_store.ts";
import { runDriftReport } from "../lib/verify/drift_report.ts";
import { resealFolder } from "../testing/reseal_folder.ts";
import { walkBars } from "../testing/walk_bars.ts";

async function replaceIn(path: string, from: string | RegExp, to: string): Promise<void> {
  const before = await Deno.readTextFile(path), after = before.replace(from, to);
  assert.notEqual(after, before, `${path}: ${from} not found`);
  await Deno.writeTextFile(path, after);
}

const disagreeing = async (dir: string) =>
  (await checkFolder(dir, null)).rows.filter((r) => r.verdict === "DISAGREE").map((r) => r.check);

Deno.test("drift evidence check: a lying header, a swapped, missing or stray hist SVG disagree by name", async () => {
  const dir = await Deno.makeTempDir({ prefix: "drift_tamper_" });
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
      regimes: [{ count: 168, sigma: 0.01, volume: 40 }, { count: 168, sigma: 0.01, volume: 400 }],
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
    const flagged = res.drifts.filter((d) => d.flagged).map((d) => d.feature).join(",");
    const calm = res.drifts.find((d) => !d.flagged)!.feature;
    assert.ok(flagged.split(",").includes("volume"), `setup: volume must be flagged, got ${flagged}`);
    assert.deepEqual(await disagreeing(res.dir), []);

    const summaryTxt = join(res.dir, "DRIFT_REPORT_SUMMARY.txt");
    const summaryJson = join(res.dir, "summary.json");
    const summary = JSON.parse(await Deno.readTextFile(summaryJson));
    assert.deepEqual([summary.flagged_features, summary.bins], [flagged, "10"]);
    await Deno.writeTextFile(
      summaryJson,
      JSON.stringify({ ...summary, flagged_features: "none", bins: "20" }, null, 2) + "\n",
    );
    await replaceIn(summaryTxt, `flagged_features=${flagged}`, "flagged_features=none");
    await replaceIn(summaryTxt, "bins=10", "bins=20");
    await Deno.copyFile(join(res.dir, `hist_${calm}.svg`), join(res.dir, "hist_volume.svg"));
    await resealFolder(res.dir);
    assert.deepEqual(await disagreeing(res.dir), [
      "summary.json bins",
      "summary.json flagged_features",
      "hist_volume.svg",
      "DRIFT_REPORT_SUMMARY.txt",
    ]);

    await Deno.remove(join(res.dir, "hist_volume.svg"));
    await Deno.copyFile(join(res.dir, `hist_${calm}.svg`), join(res.dir, "hist_vwap_dist.svg"));
    await resealFolder(res.dir);
    const rows = (await checkFolder(res.dir, null)).rows;
    const bad = rows.filter((r) => r.check.startsWith("hist_") && r.verdict === "DISAGREE");
    assert.deepEqual(bad.map((r) => [r.check, r.stored, r.recomputed]), [
      ["hist_volume.svg", "missing", "-"],
      ["hist_vwap_dist.svg", "present", "absent"],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
