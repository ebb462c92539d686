// task verify: the one-command proof. Brings up what is not running, runs the activity demo and
// ops verify, scans every folder for key material, and writes the top-level evidence folder.
import { basename, join, resolve } from "node:path";
import { bindHost, PORTS } from "../config/ports.ts";
import { renderScanReport, scanDirs, selfTest } from "../evidence/key_scan.ts";
import { utcStamp } from "../evidence/stamp.ts";
import type { GateRecord } from "../evidence/gate_record.ts";
import { type EvidenceHandle, type Judged, withEvidence } from "../evidence/with_evidence.ts";
import { proofRun, type ProofRunOptions } from "../evidence/proof_run.ts";
import { DEFAULT_ENV_FILE, loadFeedConfig } from "../feed/load_config.ts";
import { isReady } from "../prom/client.ts";
import { type PromHandle as LocalProm, startPrometheus as startLocalPrometheus } from "../prom/launcher.ts";
import { exporterEventsFile, runActivityDemo } from "./activity_demo.ts";
import { runOpsVerify } from "./ops_verify.ts";
import { assertPortsUsable } from "./preflight.ts";
import { type ComponentStatus, STACK, startStack, stopAll } from "./stack.ts";
import { renderOperatorNote, wholeVerdict } from "./operator_note.ts";
import type { JudgedGate } from "./stack_gates.ts";
import { dataFlow, judgeStack, stackVerdict, writeStackEvidence } from "./stack_judge.ts";

export interface LocalVerifyOptions extends ProofRunOptions {
  waitMs: number;
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
  stackVerdict: "PASS" | "FAIL";
}

export async function runLocalVerify(opts: LocalVerifyOptions): Promise<LocalVerifyResult> {
  // Nothing starts while a contract port is held by something that is not its component.
  await assertPortsUsable(bindHost(), [
    ...STACK.map((s) => ({ name: s.name, port: s.port, probePath: s.probePath })),
    { name: "prometheus", port: PORTS.prometheus, probePath: "/-/ready" },
  ]);
  // The attestation digests the config the stack ran with: ports and the feed profile.
  const configFiles = ["config/ports.json", DEFAULT_ENV_FILE];
  const run = proofRun(opts, "verify", { configFiles });
  const sealed = await withEvidence(
    "ai_live_local_verify",
    run,
    (ev, started) => proveStack(ev, opts, started),
  );
  return { ...sealed.value, verdict: sealed.verdict, dir: sealed.dir };
}

type Verdicts = Omit<LocalVerifyResult, "verdict" | "dir">;

/** Starts what is missing, runs both stages and the stack gates, stops what it started. */
async function proveStack(
  ev: EvidenceHandle,
  opts: LocalVerifyOptions,
  started: number,
): Promise<Judged<Verdicts>> {
  const say = opts.say ?? ((l: string) => console.error(`verify: ${l}`));
  const root = opts.evidenceRoot ?? ".local_tmp";
  const host = bindHost();
  const stamp = utcStamp(started);
  const workDir = resolve(join(root, ".work", `local_verify_${stamp}_${crypto.randomUUID().slice(0, 6)}`));
  const logDir = ev.path("logs");
  await Deno.mkdir(workDir, { recursive: true });
  await Deno.mkdir(logDir, { recursive: true });
  const runId = `local_verify_${stamp}`;
  // The live events file sits outside the evidence staging folder, so every path the children and
  // the activity demo record still exists after the proof is sealed; the evidence keeps a copy.
  const liveEvents = resolve(join(root, "events", `${runId}_${crypto.randomUUID().slice(0, 6)}.jsonl`));
  await Deno.mkdir(join(root, "events"), { recursive: true });
  const promUrl = `http://${host}:${PORTS.prometheus}`;
  const exporterUrl = `http://${host}:${PORTS.ai_live}`;
  let prom: LocalProm | null = null;
  let promState: ComponentStatus;
  const stack = await startStack(
    {
      workDir,
      logDir,
      logDirShown: ev.shown(resolve(logDir)),
      eventsFile: liveEvents,
      runId,
    },
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
      await Deno.copyFile(prom.configFile, ev.path("stack/prometheus.yml"));
      say(
        `prometheus: not running; started it (pid ${prom.pid}, config ${ev.intended}/stack/prometheus.yml)`,
      );
    }
    const eventsFile = (await exporterEventsFile(exporterUrl)) ?? liveEvents;
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
    const statuses = [...stack.statuses, promState];
    const stackGates = await judgeStack({
      targets: {
        promUrl,
        alertmanagerUrl: `http://${host}:${PORTS.alertmanager}`,
        webUrl: `http://${host}:${PORTS.peak_trade_web}`,
        venues: enabledVenues(),
        liveUrl: `http://${host}:${PORTS.live_loop}`,
      },
      statuses,
      waitMs: opts.waitMs,
      signal: opts.signal,
    });
    await writeStackEvidence(ev, stackGates);
    const flow = await dataFlow(promUrl);
    await ev.writeJson("stack/data_flow.json", flow);
    say(`stack gates: ${stackVerdict(stackGates)} (${ev.intended}/stack/STACK_GATES.tsv)`);
    // Stop what we started before sealing the folder: their logs are part of the evidence.
    await stopStarted();
    await Deno.copyFile(liveEvents, ev.path("stack/ai_events.jsonl")).catch(() => {});
    return await finish(ev, { opts, started, activity, ops, statuses, flow, stackGates });
  } catch (err) {
    await stopStarted();
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
  stackGates: JudgedGate[];
}

async function finish(ev: EvidenceHandle, x: FinishInput): Promise<Judged<Verdicts>> {
  const { activity, ops, statuses } = x;
  await ev.write(
    "LATEST_DIRS.txt",
    `activity_demo=${activity.dir}\nops_verify=${ops.dir}\nlocal_verify=${ev.intended}\n`,
  );
  const dirs = [ev.staging, activity.dir, ops.dir];
  const scan = renderScanReport(
    [basename(ev.intended), activity.dir, ops.dir],
    await scanDirs(dirs, "."),
    selfTest(),
  );
  await ev.write("KEY_MATERIAL_SCAN.txt", scan.text);
  const verdict = wholeVerdict(activity.verdict, ops.verdict, x.stackGates, scan.clean);
  const note = renderOperatorNote({
    started: x.started,
    verdict,
    activity,
    ops,
    stackGates: x.stackGates,
    scanClean: scan.clean,
    flow: x.flow,
    statuses,
  });
  return {
    verdict,
    summary: { file: "OPERATOR_NOTE.txt", text: note },
    gates: [
      ...x.stackGates.map((g) => g.result),
      verdictPart("activity_demo", activity.verdict, activity.dir),
      verdictPart("ops_verify", ops.verdict, ops.dir),
      {
        ...verdictPart("key_material_scan", scan.clean ? "PASS" : "FAIL", "KEY_MATERIAL_SCAN.txt"),
        want: "CLEAN",
      },
    ],
    config: {
      evidenceRoot: x.opts.evidenceRoot ?? ".local_tmp",
      waitMs: x.opts.waitMs,
      components: statuses,
    },
    value: {
      activityVerdict: activity.verdict,
      opsVerdict: ops.verdict,
      scanClean: scan.clean,
      stackVerdict: stackVerdict(x.stackGates),
    },
  };
}

/** The feed's enabled venues as the feed the proof starts reads them (env file, then process env). */
function enabledVenues(): readonly string[] {
  try {
    return loadFeedConfig(DEFAULT_ENV_FILE, Deno.env.toObject(), {}).settings.VENUES_ENABLED;
  } catch {
    return []; // the feed cannot start either; feed_up says so
  }
}

/** A part of the whole verdict that is a proof of its own (judged in its folder), as a gate row. */
function verdictPart(key: string, verdict: string, source: string): GateRecord {
  const pass = verdict === "PASS";
  return {
    key,
    promql: source,
    want: "PASS",
    status: pass ? "PASS" : "FAIL",
    value: pass ? 1 : 0,
    detail: verdict,
  };
}
