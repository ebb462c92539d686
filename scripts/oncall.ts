#!/usr/bin/env -S deno run -A
// ./tp oncall: the shift-start checklist against the running stack, as one command with evidence.
import { EXIT, parseFlags, run, UsageError, verdictExit } from "../lib/cli/main.ts";
import { bindHost, PORTS } from "../lib/config/ports.ts";
import { loadOncallConfig, ONCALL_CONFIG_PATH } from "../lib/oncall/config.ts";
import { runOncall } from "../lib/oncall/run.ts";
import { HANDOVER_FILE } from "../lib/oncall/handover.ts";
import { join } from "node:path";

const HELP = `Usage: ./tp oncall [options]

The on-call shift-start checklist (runbooks/oncall_checklist.md) against the running stack, read once:
every job up (ai_live, peak_trade_web, shadow_mvs, live_connector, live_loop, node); feed p99 transport latency;
1m bars rising for every active venue/symbol; reconnects per venue; gaps and NaN records; AI event
freshness; no unaddressed critical alerts in Alertmanager (firing, not silenced or inhibited; an
unreachable Alertmanager is its own ERROR row). Thresholds: config/oncall.json.

With job node in the config's jobs: CPU busy, memory available, the fullest filesystem (node-exporter),
and the reports its textfile collector exposes (drift PSI flagged, backtest tracking error within its
bound, each report's age, the age of the last backup drill that passed); with job live_loop: the bots
(equity jumps not explained by PnL, today's PnL and drawdown against the loop's own limits in
config/live/paper.json, fills per hour in a band, kill switch, orders without a venue answer, venue
heartbeat); each job's error counter.

Prints a table (check, value, threshold, status, detail) and writes .local_tmp/oncall_<UTC stamp>/
(ONCALL_SUMMARY.txt with verdict= last, summary.json, raw answers under prom/ and alertmanager/,
run.json, MANIFEST_SHA256.txt). --handover also writes HANDOVER.md there: the shift's incidents (last
12h: Prometheus's record of the alerts it sent Alertmanager, with Alertmanager's active ones), the feed,
the bots with PnL, drawdown, tracking error and their risk limits, the host and its last verified
backup.

Options:
  --prom-url URL   Prometheus (default http://${bindHost()}:${PORTS.prometheus})
  --am-url URL     Alertmanager (default http://${bindHost()}:${PORTS.alertmanager})
  --config PATH    thresholds (default ${ONCALL_CONFIG_PATH})
  --out-root DIR   where the evidence folder goes (default .local_tmp)
  --handover       also write HANDOVER.md into the evidence folder (printed path)
  -h, --help       this help

Exit: 0 PASS, 1 FAIL (any check not PASS), 2 usage or bad config.`;

function url(name: string, raw: string): string {
  try {
    const u = new URL(raw);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("not http");
    return raw.replace(/\/+$/, "");
  } catch {
    throw new UsageError(`--${name} must be an http(s) URL, got "${raw}"`);
  }
}

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    help: HELP,
    options: {
      "prom-url": { type: "string" },
      "am-url": { type: "string" },
      config: { type: "string" },
      "out-root": { type: "string" },
      handover: { type: "boolean" },
    },
  });
  if (!flags) return EXIT.OK;
  const v = flags.values;
  const promUrl = url("prom-url", v["prom-url"] ?? `http://${bindHost()}:${PORTS.prometheus}`);
  const amUrl = url("am-url", v["am-url"] ?? `http://${bindHost()}:${PORTS.alertmanager}`);
  const configPath = v.config ?? ONCALL_CONFIG_PATH;
  let config;
  try {
    config = await loadOncallConfig(configPath);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const res = await runOncall({
    promUrl,
    amUrl,
    config,
    configPath,
    evidenceRoot: v["out-root"],
    command: "oncall",
    args,
    handover: v.handover,
  });
  console.log(res.table.trimEnd());
  if (v.handover) console.log(`handover: ${join(res.dir, HANDOVER_FILE)}`);
  console.log(`verdict=${res.verdict}  evidence: ${res.dir}`);
  return verdictExit(res.verdict);
}

if (import.meta.main) Deno.exit(await run("oncall", main));
