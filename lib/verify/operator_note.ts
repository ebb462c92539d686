// OPERATOR_NOTE.txt of `task verify`: the verdict and what it rests on, in the order an operator reads
// it (verdicts, stack gates, data flow, what ran, where to look). Pure: data in, text out.
import { type JudgedGate, stackGateLines } from "./stack_gates.ts";
import { stackVerdict } from "./stack_judge.ts";
import type { ComponentStatus } from "./stack.ts";

export interface NoteInput {
  started: number;
  verdict: "PASS" | "FAIL";
  activity: { verdict: string; dir: string };
  ops: { verdict: string; dir: string; summaryText: string };
  stackGates: readonly JudgedGate[];
  scanClean: boolean;
  flow: Record<string, number | null>;
  statuses: readonly ComponentStatus[];
}

/** The wrapper's verdict covers the whole stack: the AI pack's PASS alone is not enough. */
export function wholeVerdict(
  activity: string,
  ops: string,
  stackGates: readonly JudgedGate[],
  scanClean: boolean,
): "PASS" | "FAIL" {
  return activity === "PASS" && ops === "PASS" && stackVerdict(stackGates) === "PASS" && scanClean
    ? "PASS"
    : "FAIL";
}

export function renderOperatorNote(n: NoteInput): string {
  const { activity, ops, statuses } = n;
  const failed = ops.summaryText.match(/^failed_gates=(.*)$/m)?.[1] ?? "unknown";
  const notPassing = n.stackGates.filter((g) => g.result.status !== "PASS");
  const stackFailed = notPassing.map((g) => g.result.key).join(",") || "none";
  const stackLine = `${stackVerdict(n.stackGates)}   failed gates: ${stackFailed}`;
  const note = [
    `tickproof local verify — ${new Date(n.started).toISOString()}`,
    "",
    `VERDICT: ${n.verdict}`,
    `  activity demo: ${activity.verdict}   (${activity.dir})`,
    `  ops verify:    ${ops.verdict}   failed gates: ${failed}   (${ops.dir})`,
    `  stack gates:   ${stackLine}   (stack/STACK_GATES.tsv)`,
    `  key scan:      ${n.scanClean ? "CLEAN" : "NOT CLEAN"}   (KEY_MATERIAL_SCAN.txt)`,
    "",
    "Stack gates (hard; source, want and raw answer per gate in stack/STACK_GATES.tsv):",
    ...stackGateLines(n.stackGates),
    "",
    "Data flow seen by Prometheus (venue -> feed -> strategy -> events -> exporter; informational):",
    ...Object.entries(n.flow).map(([k, v]) => `  ${k.padEnd(28)} ${v === null ? "NO_DATA" : v}`),
    "",
    "What ran (component, port, state):",
    ...statuses.map((s) =>
      `  ${s.name.padEnd(12)} :${String(s.port).padEnd(5)} ${s.state.padEnd(15)} ${s.detail}`
    ),
    "",
    "Where to look:",
    `  - ops gates with values: ${ops.dir}/AI_LIVE_OPS_SUMMARY.txt (raw Prometheus answers in prom/)`,
    `  - activity demo: ${activity.dir}/ACTIVITY_DEMO_SUMMARY.txt`,
    "  - stack gates with values: stack/STACK_GATES.tsv (raw answers in stack/gate_<key>.txt)",
    "  - child logs: logs/ in this folder; events: stack/ai_events.jsonl (a copy, when started here)",
    "  - integrity: sha256sum -c --strict MANIFEST_SHA256.txt (in each folder)",
    "",
  ];
  return note.join("\n");
}
