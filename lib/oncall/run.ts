// ./tp oncall: ask Prometheus and Alertmanager once, judge the checklist, write the evidence folder
// `.local_tmp/oncall_<UTC stamp>/` (raw answers, summary, run.json, manifest).
import { type AlertsOutcome, getAlerts } from "../alerting/am_client.ts";
import { withEvidence } from "../evidence/with_evidence.ts";
import { proofRun, type ProofRunOptions } from "../evidence/proof_run.ts";
import { activeTargets, type Fetch, instantQuery, type QueryOutcome } from "../prom/client.ts";
import type { GateResult } from "../verify/gates.ts";
import { gateJudgement } from "../verify/gate_judgement.ts";
import { evaluateOncall, oncallQueries, QUERY_KEYS, type QueryKey, renderTable } from "./checks.ts";
import type { OncallConfig } from "./config.ts";

export interface OncallOptions extends ProofRunOptions {
  promUrl: string;
  amUrl: string;
  config: OncallConfig;
  configPath: string;
  now?: () => number;
  fetch?: Fetch;
}

export interface OncallResult {
  verdict: "PASS" | "FAIL";
  dir: string;
  results: GateResult[];
  table: string;
}

export async function runOncall(opts: OncallOptions): Promise<OncallResult> {
  const now = opts.now ?? Date.now;
  const f = opts.fetch ?? fetch;
  const run = proofRun(opts, "oncall", {
    now,
    configFiles: [opts.configPath],
  });
  const sealed = await withEvidence("oncall", run, async (ev) => {
    const promql = oncallQueries(opts.config);
    const [outcomes, alerts, targets] = await Promise.all([
      Promise.all(QUERY_KEYS.map((k) => instantQuery(opts.promUrl, promql[k], f))),
      getAlerts(opts.amUrl, f),
      activeTargets(opts.promUrl, f),
    ]);
    const queries = Object.fromEntries(QUERY_KEYS.map((k, i) => [k, outcomes[i]])) as Record<
      QueryKey,
      QueryOutcome
    >;
    const results = evaluateOncall(opts.config, { queries, alerts });
    const table = renderTable(results);

    for (const [i, k] of QUERY_KEYS.entries()) {
      await ev.write(`prom/${k}.json`, outcomes[i].raw || JSON.stringify({ error: outcomes[i].error }));
    }
    await ev.write("prom/targets.json", targets.raw);
    await ev.write("alertmanager/alerts.json", alerts.raw);
    await ev.writeJson("alertmanager/unaddressed_critical.json", criticalSummary(alerts));
    const header = {
      prometheus_url: opts.promUrl,
      alertmanager_url: opts.amUrl,
      alertmanager_reachable: alerts.ok ? "yes" : "no",
      config: opts.configPath,
      judged_at: new Date(now()).toISOString(),
    };
    await ev.write("ONCALL_TABLE.txt", table);
    return {
      ...gateJudgement("ONCALL_SUMMARY.txt", header, results, "checks"),
      config: {
        promUrl: opts.promUrl,
        amUrl: opts.amUrl,
        configPath: opts.configPath,
        thresholds: opts.config,
      },
      value: { results, table },
    };
  });
  return { verdict: sealed.verdict, dir: sealed.dir, ...sealed.value };
}

function criticalSummary(a: AlertsOutcome) {
  if (!a.ok) return { reachable: false, error: a.error };
  return {
    reachable: true,
    total: a.alerts.length,
    alerts: a.alerts.map((x) => ({
      alertname: x.labels.alertname,
      severity: x.labels.severity,
      state: x.status.state,
      silencedBy: x.status.silencedBy,
      inhibitedBy: x.status.inhibitedBy,
      startsAt: x.startsAt,
    })),
  };
}
