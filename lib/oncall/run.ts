// ./tp oncall: ask Prometheus and Alertmanager once, judge the checklist, write the evidence folder
// `.local_tmp/oncall_<UTC stamp>/` (raw answers, summary, run.json, manifest); with `handover`, also
// HANDOVER.md from the results and the shift's incidents (their raw answers beside the others).
import { type AlertsOutcome, getAlerts } from "../alerting/am_client.ts";
import { withEvidence } from "../evidence/with_evidence.ts";
import { proofRun, type ProofRunOptions } from "../evidence/proof_run.ts";
import { activeTargets, type Fetch, instantQuery, type QueryOutcome } from "../prom/client.ts";
import type { GateResult } from "../verify/gates.ts";
import { gateJudgement } from "../verify/gate_judgement.ts";
import { evaluateOncall, oncallQueries, type QueryKey, queryKeys, renderTable } from "./checks.ts";
import type { OncallConfig } from "./config.ts";
import { HANDOVER_FILE, HANDOVER_SOURCES, handoverPage } from "./handover.ts";
import { ALERTS_HISTORY_QUERY } from "./incidents.ts";

export interface OncallOptions extends ProofRunOptions {
  promUrl: string;
  amUrl: string;
  config: OncallConfig;
  configPath: string;
  now?: () => number;
  fetch?: Fetch;
  /** Also write HANDOVER.md (lib/oncall/handover.ts). */
  handover?: boolean;
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
    const keys = queryKeys(opts.config);
    // The checks' evaluation time (the bots' "today" is its UTC day), kept as judged_at for the re-check.
    const atMs = now();
    const [outcomes, alerts, targets] = await Promise.all([
      // Evaluated at atMs too, so every answer and "today" speak of the same moment.
      Promise.all(keys.map((k) => instantQuery(opts.promUrl, promql[k]!, f, { atMs }))),
      getAlerts(opts.amUrl, f),
      activeTargets(opts.promUrl, f),
    ]);
    const queries: Partial<Record<QueryKey, QueryOutcome>> = Object.fromEntries(
      keys.map((k, i) => [k, outcomes[i]]),
    );
    const results = evaluateOncall(opts.config, { queries, alerts, atMs });
    const table = renderTable(results);

    for (const [i, k] of keys.entries()) {
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
      judged_at: new Date(atMs).toISOString(),
    };
    await ev.write("ONCALL_TABLE.txt", table);
    if (opts.handover) {
      const [history, rulesRaw] = await Promise.all([
        instantQuery(opts.promUrl, ALERTS_HISTORY_QUERY, f, { atMs }),
        f(`${opts.promUrl}/api/v1/rules?type=alert`, { signal: AbortSignal.timeout(5000) })
          .then((r) => r.text()).catch((err) => JSON.stringify({ error: String(err) })),
      ]);
      await ev.write(HANDOVER_SOURCES.history, history.raw || JSON.stringify({ error: history.error }));
      await ev.write(HANDOVER_SOURCES.rules, rulesRaw);
      const { promUrl, amUrl, config } = opts;
      await ev.write(
        HANDOVER_FILE,
        handoverPage({ atMs, results, history, alerts, rulesRaw, config, promUrl, amUrl }),
      );
    }
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
