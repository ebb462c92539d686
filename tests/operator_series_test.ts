// Without a stack: every PromQL of the page, the dashboards and the on-call checks names only series
// and labels that the real components' own registries export, and node-exporter on loopback
// (testing/real_series.ts). The live counterparts, on the running stack, are
// tests/operator_stack_test.ts and tests/oncall_bots_stack_test.ts.
import assert from "node:assert/strict";
import { checkRefs } from "../testing/dashboard_expr_refs.ts";
import { loadOncallConfig } from "../lib/oncall/config.ts";
import { defaultWebConfig, resolveWebConfig } from "../lib/web/config.ts";
import { operatorExprs } from "../testing/operator_exprs.ts";
import { realSeriesCatalog } from "../testing/real_series.ts";

Deno.test("every page, dashboard and on-call expression names series and labels the components export", async () => {
  const catalog = await realSeriesCatalog();
  // The catalog is the real one: divergence is per symbol and interval, reconnects per venue.
  assert.deepEqual([...catalog.get("feed_divergence_bps")!].sort(), ["interval", "symbol"]);
  assert.deepEqual([...catalog.get("feed_reconnects_total")!], ["venue"]);
  for (const interval of ["1m", "1h"]) {
    const web = resolveWebConfig(defaultWebConfig("127.0.0.1"), { interval });
    const exprs = await operatorExprs(web, await loadOncallConfig());
    assert.ok(exprs.length > 50, `${exprs.length} expressions`);
    const problems = exprs.flatMap((e) =>
      checkRefs(e.expr, catalog, e.readsLabels).map((p) => `${e.where}: ${e.expr}: ${p}`)
    );
    assert.deepEqual(problems, [], interval);
  }
});

Deno.test("the old page divergence query (by venue, __name__ pattern) is caught", async () => {
  const catalog = await realSeriesCatalog();
  assert.deepEqual(checkRefs('max by (venue, symbol) ({__name__=~"feed_.+_divergence_bps"})', catalog), [
    "selects by __name__ (name the metric)",
    "label symbol is on none of (no metric)",
    "label venue is on none of (no metric)",
  ]);
  assert.deepEqual(checkRefs("max by (venue, symbol) (feed_divergence_bps)", catalog), [
    "label venue is on none of feed_divergence_bps",
  ]);
});
