// ops verify: the canonical gates against what is running, written as an evidence folder.
import { withEvidence } from "../evidence/with_evidence.ts";
import { proofRun, type ProofRunOptions } from "../evidence/proof_run.ts";
import { activeTargets, type Fetch, instantQuery, isReady, wasScraped } from "../prom/client.ts";
import {
  evaluateGate,
  GATE_JOBS,
  type GateResult,
  OPS_GATES,
  overallVerdict,
  renderSeriesTsv,
  RUNBOOK_QUERIES,
} from "./gates.ts";
import { type Clock, pollUntil, realClock } from "../async/poll.ts";
import { gateJudgement } from "./gate_judgement.ts";

export interface OpsVerifyOptions extends ProofRunOptions {
  promUrl: string;
  exporterUrl: string;
  /** How long to wait for Prometheus to be ready. */
  readyTimeoutMs: number;
  /** How long to wait for targets to be scraped / gates to pass before judging. */
  waitMs: number;
  clock?: Clock;
  fetch?: Fetch;
  /** Cuts waits short (SIGINT/SIGTERM); the evidence is still written. */
  signal?: AbortSignal;
}

export interface OpsVerifyResult {
  verdict: "PASS" | "FAIL";
  dir: string;
  results: GateResult[];
  summaryText: string;
}

export async function runOpsVerify(opts: OpsVerifyOptions): Promise<OpsVerifyResult> {
  const clock = opts.clock ?? realClock;
  const f = opts.fetch ?? fetch;
  const run = proofRun(opts, "ops-verify", { now: clock.now });
  const sealed = await withEvidence("ai_live_ops_verify", run, async (ev) => {
    const ready = (await pollUntil(
      async () => (await isReady(opts.promUrl, f)) || undefined,
      opts.readyTimeoutMs,
      250,
      clock,
      opts.signal,
    )) ??
      false;
    const evaluate = async () => {
      const outcomes = await Promise.all(OPS_GATES.map((g) => instantQuery(opts.promUrl, g.promql, f)));
      return { outcomes, results: OPS_GATES.map((g, i) => evaluateGate(g, outcomes[i])) };
    };
    let scrapedState = "prometheus not ready";
    // Judge once every gate job has been scraped at least once (Prometheus picks targets up on a
    // ~5 s tick), or earlier when every gate already passes; never wait past the deadline.
    if (ready) {
      await pollUntil(
        async () => {
          const { targets } = await activeTargets(opts.promUrl, f);
          const byJob = new Map(targets.map((t) => [t.job, t]));
          scrapedState = GATE_JOBS.map((j) => {
            const t = byJob.get(j);
            return `${j}:${!t ? "not_configured" : wasScraped(t) ? t.health : "not_scraped_yet"}`;
          }).join(",");
          const allScraped = GATE_JOBS.every((j) => byJob.get(j) && wasScraped(byJob.get(j)!));
          if (allScraped) return true;
          return overallVerdict((await evaluate()).results) === "PASS" ? true : undefined;
        },
        opts.waitMs,
        500,
        clock,
        opts.signal,
      );
    }
    const { outcomes, results } = await evaluate();
    for (const [i, g] of OPS_GATES.entries()) {
      await ev.write(
        `prom/gate_${g.key}.json`,
        outcomes[i].raw || JSON.stringify({ error: outcomes[i].error }),
      );
    }
    const runbook = await Promise.all(RUNBOOK_QUERIES.map((q) => instantQuery(opts.promUrl, q.promql, f)));
    for (const [i, q] of RUNBOOK_QUERIES.entries()) {
      await ev.write(
        `prom/runbook_${q.name}.json`,
        runbook[i].raw || JSON.stringify({ error: runbook[i].error }),
      );
    }
    await ev.write("prom/targets.json", (await activeTargets(opts.promUrl, f)).raw);
    await ev.write(
      "PROM_REQUIRED_SERIES.tsv",
      renderSeriesTsv([
        ...OPS_GATES.map((g, i) => ({ name: g.key, outcome: outcomes[i] })),
        ...RUNBOOK_QUERIES.map((q, i) => ({ name: q.name, outcome: runbook[i] })),
      ]),
    );
    await ev.write("exporter_metrics.txt", await fetchText(`${opts.exporterUrl}/metrics`, f));
    const header = {
      prometheus_url: opts.promUrl,
      exporter_url: opts.exporterUrl,
      prometheus_ready: ready ? "yes" : "no",
      targets: scrapedState,
      judged_at: new Date(clock.now()).toISOString(),
    };
    return {
      ...gateJudgement("AI_LIVE_OPS_SUMMARY.txt", header, results, "gates"),
      config: {
        promUrl: opts.promUrl,
        exporterUrl: opts.exporterUrl,
        readyTimeoutMs: opts.readyTimeoutMs,
        waitMs: opts.waitMs,
      },
      value: results,
    };
  });
  return { verdict: sealed.verdict, dir: sealed.dir, results: sealed.value, summaryText: sealed.summaryText };
}

/** A GET whose failure is recorded as text rather than thrown: evidence of what was (not) there. */
export async function fetchText(url: string, f: Fetch = fetch): Promise<string> {
  try {
    const res = await f(url, { signal: AbortSignal.timeout(5000) });
    const body = await res.text();
    return res.ok ? body : `# GET ${url} answered HTTP ${res.status}\n${body}`;
  } catch (err) {
    return `# GET ${url} failed: ${err instanceof Error ? err.message : String(err)}\n`;
  }
}
