// The file names lib/evidence/gate_sources.ts gives are the ones the writers use.
import assert from "node:assert/strict";
import { gateSource, stackRawFile } from "../evidence/gate_sources.ts";
import { evaluateOncall, QUERY_KEYS } from "../oncall/checks.ts";
import { loadOncallConfig } from "../oncall/config.ts";
import { rawFile } from "../verify/stack_gates.ts";
import type { AlertsOutcome } from "../alerting/am_client.ts";
import type { QueryOutcome } from "../prom/client.ts";

Deno.test("gate sources: stack raw files are the writer's; every on-call check names existing query files", async () => {
  for (const k of ["feed_up", "web_page", "stack_components"]) assert.equal(stackRawFile(k), rawFile(k));
  const cfg = await loadOncallConfig();
  const empty: QueryOutcome = { promql: "", raw: "", ok: true, samples: [] };
  const alerts: AlertsOutcome = { url: "", raw: "[]", ok: true, alerts: [] };
  const queries = Object.fromEntries(QUERY_KEYS.map((k) => [k, empty])) as Record<
    typeof QUERY_KEYS[number],
    QueryOutcome
  >;
  const files = new Set([...QUERY_KEYS.map((k) => `prom/${k}.json`), "alertmanager/alerts.json"]);
  for (const r of evaluateOncall(cfg, { queries, alerts, atMs: 0 })) {
    const src = gateSource("oncall", r.key);
    assert.ok(src.raw.length > 0, r.key);
    for (const f of src.raw) assert.ok(files.has(f), `${r.key}: ${f}`);
  }
});
