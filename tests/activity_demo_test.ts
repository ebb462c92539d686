// The activity demo leaves nothing that ages into an alert, and says at once when the stack is not up.
// Time is driven by promtool's rule-test clock: the demo's events go through the real exporter
// (--once), its exposition becomes promtool input series, and the production rule and the on-call
// query are evaluated ten simulated minutes later.
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { DEMO_SOURCE, DEMO_SOURCE_REGEX, isDemoSource } from "../lib/events/demo_source.ts";
import { evaluateOncall, oncallQueries, QUERY_KEYS, type QueryKey } from "../lib/oncall/checks.ts";
import { loadOncallConfig } from "../lib/oncall/config.ts";
import type { QueryOutcome } from "../lib/prom/client.ts";
import { instantQuery } from "../lib/prom/client.ts";
import { runTool } from "../lib/prom/tools.ts";
import {
  appendEvents,
  demoEvents,
  exporterEventsFile,
  runActivityDemo,
} from "../lib/verify/activity_demo.ts";
import { withDemoStack } from "../testing/demo_stack.ts";
import { freePort } from "../testing/net.ts";
import { runScript } from "../testing/script_proc.ts";

const RULES = resolve("config/prometheus/rules/ai_live.yml");
const LABELS = 'job="ai_live",instance="exporter:9110"';

/** `peaktrade_ai_last_event_timestamp_seconds{source}` from the real exporter reading `file` once. */
async function lastEventSeries(file: string): Promise<Map<string, number>> {
  const r = await runScript("scripts/exporter.ts", ["--once", "--quiet", "--events", file]);
  assert.equal(r.code, 0, r.stderr);
  const out = new Map<string, number>();
  for (
    const m of r.stdout.matchAll(/^peaktrade_ai_last_event_timestamp_seconds\{source="([^"]+)"\} (\S+)$/gm)
  ) {
    out.set(m[1], Number(m[2]));
  }
  return out;
}

/** promtool test rules on one group; returns promtool's output (code 0 expected by the caller). */
async function promtoolGroup(dir: string, group: Record<string, unknown>) {
  const file = join(dir, "demo_age_test.yml");
  await Deno.writeTextFile(
    file,
    stringify({ rule_files: [RULES], evaluation_interval: "1m", tests: [group] }),
  );
  return await runTool("promtool", ["test", "rules", file]);
}

Deno.test("a demo run leaves on-call green ten simulated minutes later (and a silent real source does not)", async () => {
  const cfg = await loadOncallConfig();
  const dir = await Deno.makeTempDir({ prefix: "activity_demo_age_" });
  try {
    const events = join(dir, "ai_events.jsonl");
    // The demo's own lines at t=0, and a line an older, unmarked demo left in the same file.
    await appendEvents(events, demoEvents("activity_demo_1", 20, 0));
    await appendEvents(
      events,
      demoEvents("activity_demo_0", 1, 0).map((e) => ({ ...e, source: "activity_demo" })),
    );
    const seen = await lastEventSeries(events);
    assert.deepEqual([...seen.keys()].sort(), ["activity_demo", DEMO_SOURCE]);
    assert.ok([...seen.keys()].every(isDemoSource));
    // Demo sources never write again; refstrat_01 (production) writes every minute.
    const demoInputs = [...seen].map(([source, v]) => ({
      series: `peaktrade_ai_last_event_timestamp_seconds{source="${source}",${LABELS}}`,
      values: `${v}x12`,
    }));
    const live = {
      series: `peaktrade_ai_last_event_timestamp_seconds{source="refstrat_01",${LABELS}}`,
      values: "0+60x12",
    };
    const ageExpr = oncallQueries(cfg).ai_event_age;
    const selector = `{source!~"${DEMO_SOURCE_REGEX}"}`;
    assert.ok(ageExpr.includes(selector) && (await Deno.readTextFile(RULES)).includes(selector), "one mark");
    const green = await promtoolGroup(dir, {
      interval: "1m",
      input_series: [...demoInputs, live],
      alert_rule_test: [5, 10].map((m) => ({
        eval_time: `${m}m`,
        alertname: "AiHeartbeatStale",
        exp_alerts: [],
      })),
      promql_expr_test: [{
        expr: ageExpr,
        eval_time: "10m",
        exp_samples: [{ labels: '{source="refstrat_01"}', value: 0 }],
      }],
    });
    assert.equal(green.code, 0, green.stdout + green.stderr);

    // The on-call judgement of the answer promtool confirmed: PASS, naming the source.
    const empty: QueryOutcome = { promql: "", raw: "", ok: true, samples: [] };
    const queries = Object.fromEntries(QUERY_KEYS.map((k) => [k, empty])) as Record<QueryKey, QueryOutcome>;
    queries.ai_event_age = { ...empty, samples: [{ metric: { source: "refstrat_01" }, value: 0 }] };
    const withLive = evaluateOncall(cfg, {
      queries,
      alerts: { url: "", raw: "", ok: true, alerts: [] },
      atMs: 0,
    })
      .find((r) => r.key === "ai_event_age_max_s");
    assert.deepEqual([withLive?.status, withLive?.detail], [
      "PASS",
      "oldest source refstrat_01; refstrat_01=0s",
    ]);

    // Control: the same silent series under an unmarked source does alert, and on-call names it.
    const [v] = seen.values();
    const red = await promtoolGroup(dir, {
      interval: "1m",
      input_series: [{
        series: `peaktrade_ai_last_event_timestamp_seconds{source="refstrat_02",${LABELS}}`,
        values: `${v}x12`,
      }, live],
      alert_rule_test: [{
        eval_time: "10m",
        alertname: "AiHeartbeatStale",
        exp_alerts: [{
          exp_labels: { severity: "warning", source: "refstrat_02" },
          exp_annotations: {
            summary: "No AI events from source refstrat_02 for over 180 s",
            description: "The newest event from source refstrat_02 is 600 s old (threshold 180 s).",
            runbook_url: "runbooks/ai_live_ops.md#aiheartbeatstale",
          },
        }],
      }],
      promql_expr_test: [{
        expr: ageExpr,
        eval_time: "10m",
        exp_samples: [{ labels: '{source="refstrat_01"}', value: 0 }, {
          labels: '{source="refstrat_02"}',
          value: 600 - v,
        }],
      }],
    });
    assert.equal(red.code, 0, red.stdout + red.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("activity demo: unreachable Prometheus and exporter are reported at once, nothing is appended", async () => {
  const dir = await Deno.makeTempDir({ prefix: "activity_demo_down_" });
  try {
    const promUrl = `http://127.0.0.1:${freePort()}`;
    const exporterUrl = `http://127.0.0.1:${freePort()}`;
    const events = join(dir, "logs", "ai_events.jsonl");
    const res = await runActivityDemo({
      promUrl,
      exporterUrl,
      eventsFile: events,
      runId: "activity_demo_down",
      n: 20,
      waitMs: 45_000,
      evidenceRoot: join(dir, "ev"),
      // Any wait at all fails the test: the answer must come without polling.
      clock: { now: () => 0, sleep: () => Promise.reject(new Error("the demo waited")) },
    });
    assert.equal(res.verdict, "FAIL");
    assert.deepEqual(res.unreachable.map((u) => u.split(":").slice(0, 3).join(":")), [
      `prometheus ${promUrl}`,
      `exporter ${exporterUrl}`,
    ]);
    assert.match(res.summaryText, /^events_emitted=0$/m);
    assert.match(
      res.summaryText,
      new RegExp(`^unreachable=prometheus ${promUrl}: .+; exporter ${exporterUrl}: .+$`, "m"),
    );
    await assert.rejects(Deno.stat(events), Deno.errors.NotFound, "nothing was appended");
    assert.match(await Deno.readTextFile(join(res.dir, "ACTIVITY_DEMO_SUMMARY.txt")), /^verdict=FAIL$/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("activity demo on the real stack: PASS through the exporter, under the marked source on-call ignores", async () => {
  const cfg = await loadOncallConfig();
  await withDemoStack("tp_activity_demo_", { venues: ["binance"], symbols: ["BTC-USDT"] }, async (s, dir) => {
    const eventsFile = await exporterEventsFile(s.exporterUrl);
    assert.ok(eventsFile, "the exporter names its events file in /health");
    const res = await runActivityDemo({
      promUrl: s.promUrl,
      exporterUrl: s.exporterUrl,
      eventsFile,
      runId: "activity_demo_live",
      n: 8,
      waitMs: 60_000,
      evidenceRoot: join(dir, "ev"),
    });
    assert.equal(res.verdict, "PASS", res.summaryText);
    assert.deepEqual([res.decisionsEmitted, res.decisionsSeen, res.unreachable], [6, 6, []]);
    const all = await instantQuery(s.promUrl, "peaktrade_ai_last_event_timestamp_seconds");
    assert.ok(all.samples.some((x) => x.metric.source === DEMO_SOURCE), all.raw);
    const judged = await instantQuery(s.promUrl, oncallQueries(cfg).ai_event_age);
    assert.equal(judged.ok, true, judged.error);
    assert.ok(!judged.samples.some((x) => isDemoSource(x.metric.source ?? "")), judged.raw);
  });
});
