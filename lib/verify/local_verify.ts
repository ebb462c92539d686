// task verify: the one-command proof. Brings up what is not running, runs the activity demo and
// ops verify, scans every folder for key material, and writes the top-level evidence folder.
import { join, resolve } from "node:path";
import { bindHost, PORTS } from "../config/ports.ts";
import { EvidenceFolder } from "../evidence/folder.ts";
import { renderScanReport, scanDirs, selfTest } from "../evidence/key_scan.ts";
import { collectVersions, runInfo } from "../evidence/run_info.ts";
import { utcStamp } from "../evidence/stamp.ts";
import { instantQuery, isReady } from "../prom/client.ts";
import { type LocalProm, startLocalPrometheus } from "../prom/local.ts";
import { exporterEventsFile, runActivityDemo } from "./activity_demo.ts";
import { runOpsVerify } from "./ops_verify.ts";
import { type ComponentStatus, startStack, stopAll } from "./stack.ts";

export interface LocalVerifyOptions {
  evidenceRoot?: string;
  waitMs: number;
  command?: string;
  args?: string[];
  say?: (line: string) => void;
  /** Aborts waits early (SIGINT/SIGTERM); what was started is still stopped and evidence written. */
  signal?: AbortSignal;
}

export interface LocalVerifyResult {
  verdict: "PASS" | "FAIL";
  dir: string;
  activityVerdict: string;
  opsVerdict: string;
  scanClean: boolean;
}

export async function runLocalVerify(opts: LocalVerifyOptions): Promise<LocalVerifyResult> {
  const say = opts.say ?? ((l: string) => console.error(`verify: ${l}`));
  const root = opts.evidenceRoot ?? ".local_tmp";
  const started = Date.now();
  const ev = await EvidenceFolder.create("ai_live_local_verify", { root });
  const stamp = utcStamp(started);
  const workDir = resolve(join(root, ".work", `local_verify_${stamp}_${crypto.randomUUID().slice(0, 6)}`));
  const logDir = ev.path("logs");
  await Deno.mkdir(workDir, { recursive: true });
  await Deno.mkdir(logDir, { recursive: true });
  const runId = `local_verify_${stamp}`;
  const promUrl = `http://${bindHost()}:${PORTS.prometheus}`;
  const exporterUrl = `http://${bindHost()}:${PORTS.ai_live}`;
  let prom: LocalProm | null = null;
  let promState: ComponentStatus;
  const stack = await startStack(
    { workDir, logDir, eventsFile: ev.path("stack/ai_events.jsonl"), runId },
    say,
  );
  let stopped = false;
  const stopStarted = async () => {
    if (stopped) return;
    stopped = true;
    await stopAll(stack.children, say);
    if (prom) {
      await prom.stop();
      say("prometheus: stopped");
      await Deno.copyFile(prom.logFile, ev.path("logs/prometheus.log")).catch(() => {});
    }
  };
  try {
    await Deno.mkdir(ev.path("stack"), { recursive: true });
    if (await isReady(promUrl)) {
      promState = { name: "prometheus", port: PORTS.prometheus, state: "already_running", detail: promUrl };
      say(`prometheus: already running on :${PORTS.prometheus}, using it`);
    } else {
      prom = await startLocalPrometheus({ workDir: join(workDir, "prometheus") });
      promState = { name: "prometheus", port: PORTS.prometheus, state: "started", detail: `pid ${prom.pid}` };
      say(`prometheus: not running; started it (pid ${prom.pid}, config ${prom.configFile})`);
      await Deno.copyFile(prom.configFile, ev.path("stack/prometheus.yml"));
    }
    const eventsFile = (await exporterEventsFile(exporterUrl)) ?? ev.path("stack/ai_events.jsonl");
    say(`activity demo: emitting events for run ${runId}_demo into ${eventsFile}`);
    const activity = await runActivityDemo({
      promUrl,
      exporterUrl,
      eventsFile,
      runId: `${runId}_demo`,
      n: 20,
      waitMs: opts.waitMs,
      evidenceRoot: root,
      signal: opts.signal,
    });
    say(`activity demo: ${activity.verdict} (${activity.dir})`);
    const ops = await runOpsVerify({
      promUrl,
      exporterUrl,
      evidenceRoot: root,
      readyTimeoutMs: 10_000,
      waitMs: opts.waitMs,
      signal: opts.signal,
    });
    say(`ops verify: ${ops.verdict} (${ops.dir})`);
    const flow = await dataFlow(promUrl);
    await ev.writeJson("stack/data_flow.json", flow);
    // Stop what we started before sealing the folder: their logs are part of the evidence.
    await stopStarted();
    const statuses = [...stack.statuses, promState];
    return await finish(ev, { opts, started, activity, ops, statuses, flow });
  } catch (err) {
    await stopStarted();
    await ev.abandon();
    throw err;
  } finally {
    await Deno.remove(workDir, { recursive: true }).catch(() => {});
  }
}

interface FinishInput {
  opts: LocalVerifyOptions;
  started: number;
  activity: { verdict: string; dir: string; summaryText: string };
  ops: { verdict: string; dir: string; summaryText: string };
  statuses: ComponentStatus[];
  flow: Record<string, number | null>;
}

async function finish(ev: EvidenceFolder, x: FinishInput): Promise<LocalVerifyResult> {
  const { activity, ops, statuses } = x;
  await ev.write(
    "LATEST_DIRS.txt",
    `activity_demo=${activity.dir}\nops_verify=${ops.dir}\nlocal_verify=${ev.root}/${ev.name}_${ev.stamp}\n`,
  );
  const dirs = [ev.staging, activity.dir, ops.dir];
  const scan = renderScanReport(
    [`${ev.name}_${ev.stamp}`, activity.dir, ops.dir],
    await scanDirs(dirs, "."),
    selfTest(),
  );
  await ev.write("KEY_MATERIAL_SCAN.txt", scan.text);
  const verdict = activity.verdict === "PASS" && ops.verdict === "PASS" && scan.clean ? "PASS" : "FAIL";
  const failed = ops.summaryText.match(/^failed_gates=(.*)$/m)?.[1] ?? "unknown";
  const note = [
    `tickproof local verify — ${new Date(x.started).toISOString()}`,
    "",
    `VERDICT: ${verdict}`,
    `  activity demo: ${activity.verdict}   (${activity.dir})`,
    `  ops verify:    ${ops.verdict}   failed gates: ${failed}   (${ops.dir})`,
    `  key scan:      ${scan.clean ? "CLEAN" : "NOT CLEAN"}   (KEY_MATERIAL_SCAN.txt)`,
    "",
    "Data flow seen by Prometheus (venue -> feed -> strategy -> events -> exporter):",
    ...Object.entries(x.flow).map(([k, v]) => `  ${k.padEnd(28)} ${v === null ? "NO_DATA" : v}`),
    "",
    "What ran (component, port, state):",
    ...statuses.map((s) =>
      `  ${s.name.padEnd(12)} :${String(s.port).padEnd(5)} ${s.state.padEnd(15)} ${s.detail}`
    ),
    "",
    "Where to look:",
    `  - ops gates with values: ${ops.dir}/AI_LIVE_OPS_SUMMARY.txt (raw Prometheus answers in prom/)`,
    `  - activity demo: ${activity.dir}/ACTIVITY_DEMO_SUMMARY.txt`,
    "  - child logs: logs/ in this folder; events file: stack/ai_events.jsonl (when started here)",
    "  - integrity: sha256sum -c --strict MANIFEST_SHA256.txt (in each folder)",
    "",
  ];
  await ev.write("OPERATOR_NOTE.txt", note.join("\n"));
  await ev.writeJson(
    "run.json",
    runInfo(x.opts.command ?? "verify", x.opts.args ?? [], x.started, Date.now(), await collectVersions(), {
      evidenceRoot: x.opts.evidenceRoot ?? ".local_tmp",
      waitMs: x.opts.waitMs,
      components: statuses,
    }),
  );
  const dir = await ev.finalize();
  return { verdict, dir, activityVerdict: activity.verdict, opsVerdict: ops.verdict, scanClean: scan.clean };
}

/** What flowed through the stack, end to end (informational: the gates judge; this shows). */
async function dataFlow(promUrl: string): Promise<Record<string, number | null>> {
  const queries: Record<string, string> = {
    feed_bars_closed: "sum(feed_bars_total)",
    feed_trades: "sum(feed_trades_total)",
    strategy_decisions: 'sum(peaktrade_ai_decisions_total{component="shadow_mvs"})',
    all_decisions: "sum(peaktrade_ai_decisions_total)",
  };
  const out: Record<string, number | null> = {};
  for (const [k, q] of Object.entries(queries)) {
    out[k] = (await instantQuery(promUrl, q)).samples[0]?.value ?? null;
  }
  return out;
}
