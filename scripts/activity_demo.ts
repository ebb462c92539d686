#!/usr/bin/env -S deno run -A
// task activity-demo: prove that fresh AI events reach Prometheus, run-id scoped.
import { EXIT, intFlag, parseFlags, run, UsageError } from "../lib/cli/main.ts";
import { localUrl, printProof, STACK_PROOF_FLAGS } from "../lib/cli/proof_cli.ts";
import { bindHost, PORTS } from "../lib/config/ports.ts";
import { isId } from "../lib/events/ai_event.ts";
import { utcStamp } from "../lib/evidence/stamp.ts";
import { exporterEventsFile, runActivityDemo } from "../lib/verify/activity_demo.ts";

const HELP = `Usage: ./tp activity-demo [options]

Appends ai_event v1 lines for a fresh run id to the file the running exporter tails, waits until
Prometheus shows peaktrade_ai_decisions_total and the run-id-scoped series for it (exact decision
count), and snapshots them and the exporter into .local_tmp/ai_live_activity_demo_<UTC stamp>/.

The lines carry source "demo.activity": AiHeartbeatStale and on-call ignore demo.<name> sources, so
nothing left in the events file ages into an alert. Prometheus and the exporter are asked first; when
either does not answer, the demo says so at once, appends nothing and exits 1.

Options:
  --prom-url URL      Prometheus (default http://${bindHost()}:${PORTS.prometheus})
  --exporter-url URL  exporter (default http://${bindHost()}:${PORTS.ai_live})
  --events FILE       events file (default: the exporter's own, from its /health; else
                      PEAK_TRADE_AI_EVENTS_JSONL or logs/ai/ai_events.jsonl)
  --run-id ID         run id to emit under (default activity_demo_<UTC stamp>)
  --n N               events to emit (default 20)
  --wait-s N          how long to wait for Prometheus (default 45)
  --out-root DIR      where evidence folders appear (default .local_tmp)
  -h, --help          this help

Exit: 0 PASS, 1 FAIL, 2 usage error.`;

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    help: HELP,
    options: {
      ...STACK_PROOF_FLAGS,
      events: { type: "string" },
      "run-id": { type: "string" },
      n: { type: "string" },
      "wait-s": { type: "string" },
    },
  });
  if (!flags) return EXIT.OK;
  const v = flags.values;
  const exporterUrl = v["exporter-url"] ?? localUrl("ai_live");
  const runId = v["run-id"] ?? `activity_demo_${utcStamp(Date.now())}`;
  if (!isId(runId)) throw new UsageError(`--run-id "${runId}" must be 1-64 characters of [A-Za-z0-9._:-]`);
  const eventsFile = v.events ?? (await exporterEventsFile(exporterUrl)) ??
    Deno.env.get("PEAK_TRADE_AI_EVENTS_JSONL") ?? "logs/ai/ai_events.jsonl";
  const res = await runActivityDemo({
    promUrl: v["prom-url"] ?? localUrl("prometheus"),
    exporterUrl,
    eventsFile,
    runId,
    n: intFlag("n", v.n, 20, 1, 1_000_000),
    waitMs: intFlag("wait-s", v["wait-s"], 45, 0, 3600) * 1000,
    evidenceRoot: v["out-root"],
    command: "activity-demo",
    args,
  });
  for (const u of res.unreachable) console.error(`activity-demo: not reachable: ${u}`);
  return printProof(res);
}

if (import.meta.main) Deno.exit(await run("activity-demo", main));
