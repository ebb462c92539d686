// End to end: emitter -> exporter -> real Prometheus -> every runbook query and ops verify's gates.
import assert from "node:assert/strict";
import { join } from "node:path";
import { instantQuery } from "../lib/prom/client.ts";
import { startPrometheus } from "../lib/prom/launcher.ts";
import { RUNBOOK_QUERIES } from "../lib/verify/gates.ts";
import { runOpsVerify } from "../lib/verify/ops_verify.ts";
import { pollUntil } from "../lib/async/poll.ts";
import { freePort, spawnScript, waitHttpOk } from "../testing/net.ts";
import { runScript } from "../testing/script_proc.ts";
import { sha256sumCheck } from "../testing/sha256sum.ts";

function countTypes(text: string) {
  const lines = text.trim().split("\n").map((l) => JSON.parse(l));
  return {
    decisions: lines.filter((e) => e.type === "decision").length,
    actions: lines.filter((e) => e.type === "action").length,
  };
}

Deno.test({
  name: "emitter -> exporter -> Prometheus: runbook queries answer and ops verify reads the right values",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "tp_e2e_" });
    const events = join(dir, "ai_events.jsonl");
    const exporterPort = freePort();
    const promPort = freePort();
    const exporter = await spawnScript(
      "exporter",
      "scripts/exporter.ts",
      ["--events", events, "--port", String(exporterPort), "--poll-ms", "100", "--quiet"],
      join(dir, "exporter.log"),
      { PEAK_TRADE_AI_RUN_ID: "e2e_exporter", PEAK_TRADE_AI_COMPONENT: "ai_live_exporter" },
    );
    const closed = freePort(); // nothing listens here: peak_trade_web and shadow_mvs are down on purpose
    const prom = await startPrometheus({
      workDir: join(dir, "prom"),
      port: promPort,
      alertmanager: null,
      targets: {
        ai_live: `127.0.0.1:${exporterPort}`,
        peak_trade_web: `127.0.0.1:${closed}`,
        shadow_mvs: `127.0.0.1:${closed}`,
        live_connector: `127.0.0.1:${closed}`,
      },
    });
    try {
      const exporterUrl = `http://127.0.0.1:${exporterPort}`;
      await waitHttpOk(`${exporterUrl}/health`);
      // Batch 1, a scrape, then batch 2 with a malformed and an invalid line: rate() and increase()
      // need two samples with a change between them.
      const emit = (n: number, seed: number) =>
        runScript("scripts/emit_events.ts", [
          "--out",
          events,
          "--n",
          String(n),
          "--interval-ms",
          "0",
          "--seed",
          String(seed),
          "--run-id",
          `e2e_run_${seed}`,
          "--source",
          "e2e",
        ]);
      assert.equal((await emit(40, 1)).code, 0);
      const q = (promql: string) => instantQuery(prom.url, promql);
      const first = countTypes(await Deno.readTextFile(events));
      assert.ok(
        await pollUntil(
          async () =>
            (await q("sum(peaktrade_ai_decisions_total)")).samples[0]?.value === first.decisions || undefined,
          20_000,
        ),
        "first batch never reached Prometheus",
      );
      assert.equal((await emit(40, 2)).code, 0);
      await Deno.writeTextFile(
        events,
        "not json at all\n" + JSON.stringify({ ts: 1, type: "decision" }) + "\n",
        {
          append: true,
        },
      );
      const all = countTypes(
        (await Deno.readTextFile(events)).split("\n").filter((l) =>
          l.startsWith('{"ts"') && l.includes('"run_id"')
        ).join(
          "\n",
        ),
      );
      assert.ok(
        await pollUntil(async () => {
          const parse = await q("increase(peaktrade_ai_events_parse_errors_total[5m])");
          const dec = await q("sum(peaktrade_ai_decisions_total)");
          return (dec.samples[0]?.value === all.decisions && (parse.samples[0]?.value ?? 0) > 0) || undefined;
        }, 30_000),
        "second batch never reached Prometheus",
      );
      // Every runbook query parses and answers with data.
      const answers = new Map<string, number[]>();
      for (const rq of RUNBOOK_QUERIES) {
        const o = await q(rq.promql);
        assert.equal(o.ok, true, `${rq.name}: ${o.error}`);
        answers.set(rq.name, o.samples.map((s) => s.value));
      }
      assert.deepEqual(answers.get("ai_live_up"), [1]);
      assert.deepEqual(answers.get("heartbeat"), [1]);
      assert.deepEqual(answers.get("decisions_sum"), [all.decisions]);
      assert.deepEqual(answers.get("actions_sum"), [all.actions]);
      assert.deepEqual(answers.get("run_id_count"), [2]);
      assert.deepEqual(answers.get("last_event_ts_by_run_id_count"), [2]);
      assert.equal(answers.get("max_event_age_s")!.length, 1);
      assert.ok(answers.get("max_event_age_s")![0] >= 0);
      assert.equal(answers.get("parse_errors_5m")!.length, 1);
      assert.ok(answers.get("parse_errors_5m")![0] > 0);
      const dropped = await q('increase(peaktrade_ai_events_dropped_total{reason="invalid"}[5m])');
      assert.ok(dropped.samples[0].value > 0);
      const p95 = answers.get("decision_latency_p95_ms")!;
      assert.equal(p95.length, 1);
      assert.ok(Number.isFinite(p95[0]) && p95[0] > 0 && p95[0] <= 5000, `p95=${p95[0]}`);

      // ops verify reads the same values; only the two jobs that are down on purpose fail it.
      const res = await runOpsVerify({
        promUrl: prom.url,
        exporterUrl,
        evidenceRoot: join(dir, "evidence"),
        readyTimeoutMs: 5000,
        waitMs: 15_000,
      });
      const summary = Object.fromEntries(
        res.summaryText.trim().split("\n").map((l) => l.split(/=(.*)/s).slice(0, 2)),
      );
      assert.equal(summary.up_jobs_rc, "1");
      assert.equal(summary.heartbeat_rc, "1");
      assert.equal(summary.decisions_sum, String(all.decisions));
      assert.equal(summary.run_id_count, "2");
      assert.equal(summary.last_event_ts_by_run_id_count, "2");
      assert.equal(summary.failed_gates, "up_jobs_rc");
      assert.equal(res.summaryText.trim().split("\n").at(-1), "verdict=FAIL");
      assert.equal(res.verdict, "FAIL");
      for (
        const f of [
          "AI_LIVE_OPS_SUMMARY.txt",
          "summary.json",
          "PROM_REQUIRED_SERIES.tsv",
          "exporter_metrics.txt",
          "run.json",
        ]
      ) {
        await Deno.stat(join(res.dir, f));
      }
      assert.match(
        await Deno.readTextFile(join(res.dir, "exporter_metrics.txt")),
        /peaktrade_ai_decisions_total\{/,
      );
      assert.equal((await sha256sumCheck(res.dir)).code, 0);
    } finally {
      await exporter.stop();
      await prom.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
