#!/usr/bin/env -S deno run -A
// task ops-verify: the canonical AI Live Ops gates against the running stack.
import { EXIT, intFlag, parseFlags, run } from "../lib/cli/main.ts";
import { localUrl, printProof, STACK_PROOF_FLAGS } from "../lib/cli/proof_cli.ts";
import { bindHost, PORTS } from "../lib/config/ports.ts";
import { runOpsVerify } from "../lib/verify/ops_verify.ts";

const HELP = `Usage: ./tp ops-verify [options]

Judges the running stack through Prometheus and writes .local_tmp/ai_live_ops_verify_<UTC stamp>/:
AI_LIVE_OPS_SUMMARY.txt (key=value, verdict last), summary.json, PROM_REQUIRED_SERIES.tsv,
prom/*.json (raw API responses), exporter_metrics.txt, run.json, MANIFEST_SHA256.txt.

Hard gates: up_jobs_rc=3 (ai_live, peak_trade_web, shadow_mvs all up), heartbeat_rc=1,
decisions_sum>0, run_id_count>=1, last_event_ts_by_run_id_count>=1. An empty result is NO_DATA,
never a pass. Waits for Prometheus readiness and for the targets' first scrape, bounded.

Options:
  --prom-url URL        Prometheus (default http://${bindHost()}:${PORTS.prometheus})
  --exporter-url URL    exporter, for exporter_metrics.txt (default http://${bindHost()}:${PORTS.ai_live})
  --out-root DIR        where evidence folders appear (default .local_tmp)
  --ready-timeout-s N   wait for Prometheus /-/ready (default 15)
  --wait-s N            wait for targets to be scraped (default 20)
  -h, --help            this help

Exit: 0 PASS, 1 FAIL, 2 usage error.`;

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    help: HELP,
    options: {
      ...STACK_PROOF_FLAGS,
      "ready-timeout-s": { type: "string" },
      "wait-s": { type: "string" },
    },
  });
  if (!flags) return EXIT.OK;
  const v = flags.values;
  const res = await runOpsVerify({
    promUrl: v["prom-url"] ?? localUrl("prometheus"),
    exporterUrl: v["exporter-url"] ?? localUrl("ai_live"),
    evidenceRoot: v["out-root"],
    readyTimeoutMs: intFlag("ready-timeout-s", v["ready-timeout-s"], 15, 0, 3600) * 1000,
    waitMs: intFlag("wait-s", v["wait-s"], 20, 0, 3600) * 1000,
    command: "ops-verify",
    args,
  });
  return printProof(res);
}

if (import.meta.main) Deno.exit(await run("ops-verify", main));
