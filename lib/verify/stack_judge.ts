// Judges the whole stack for `task verify`: the component start states plus the stack gates, polled
// until all pass or the wait runs out, with each gate's source, value and raw answer in the evidence.
import type { EvidenceHandle } from "../evidence/with_evidence.ts";
import { type Fetch, instantQuery } from "../prom/client.ts";
import type { GateResult } from "./gates.ts";
import type { ComponentStatus } from "./stack.ts";
import {
  evaluateStackGates,
  type JudgedGate,
  rawFile,
  renderStackGatesTsv,
  type StackGateTargets,
} from "./stack_gates.ts";
import { type Clock, pollUntil, realClock } from "../async/poll.ts";

const OK_STATES = new Set(["started", "already_running"]);

/** Every component the proof needs is running: started here or already answering its health path. */
export function componentsGate(statuses: readonly ComponentStatus[]): JudgedGate {
  const bad = statuses.filter((s) => !OK_STATES.has(s.state));
  const result: GateResult = {
    key: "stack_components",
    promql: "component start states (What ran)",
    want: `=${statuses.length}`,
    status: bad.length === 0 && statuses.length > 0 ? "PASS" : "FAIL",
    value: statuses.length - bad.length,
    detail: bad.map((s) => `${s.name} :${s.port} ${s.state}: ${s.detail}`).join("; "),
  };
  const raw = statuses.map((s) => `${s.name}\t${s.port}\t${s.state}\t${s.detail}`).join("\n") + "\n";
  return { result, raw };
}

export interface JudgeStackOptions {
  targets: StackGateTargets;
  statuses: readonly ComponentStatus[];
  /** How long to wait for every gate to pass before judging what is there. */
  waitMs: number;
  signal?: AbortSignal;
  clock?: Clock;
  fetch?: Fetch;
}

export async function judgeStack(opts: JudgeStackOptions): Promise<JudgedGate[]> {
  const allPass = (g: JudgedGate[]) => g.every((x) => x.result.status === "PASS");
  let last: JudgedGate[] = [];
  await pollUntil(
    async () => {
      last = await evaluateStackGates(opts.targets, opts.fetch);
      return allPass(last) ? true : undefined;
    },
    opts.waitMs,
    1000,
    opts.clock ?? realClock,
    opts.signal,
  );
  return [componentsGate(opts.statuses), ...last];
}

/** Writes each raw answer, `stack/STACK_GATES.tsv` and `stack/stack_gates.json` into the evidence folder. */
export async function writeStackEvidence(ev: EvidenceHandle, gates: readonly JudgedGate[]): Promise<void> {
  for (const g of gates) await ev.write(rawFile(g.result.key), g.raw);
  await ev.write("stack/STACK_GATES.tsv", renderStackGatesTsv(gates));
  await ev.writeJson("stack/stack_gates.json", {
    gates: gates.map((g) => ({ ...g.result, raw: rawFile(g.result.key) })),
    verdict: stackVerdict(gates),
  });
}

export function stackVerdict(gates: readonly JudgedGate[]): "PASS" | "FAIL" {
  return gates.length > 0 && gates.every((g) => g.result.status === "PASS") ? "PASS" : "FAIL";
}

/** What flowed through the stack, end to end (informational: the gates judge; this shows). */
export async function dataFlow(promUrl: string): Promise<Record<string, number | null>> {
  const queries: Record<string, string> = {
    feed_bars_closed: "sum(feed_bars_total)",
    feed_trades: "sum(feed_trades_total)",
    strategy_decisions: 'sum(peaktrade_ai_decisions_total{component="shadow_mvs"})',
    all_decisions: "sum(peaktrade_ai_decisions_total)",
    live_loop_orders_placed: 'sum(live_loop_orders_total{event="placed"})',
    live_loop_fills: "sum(live_loop_fills_total)",
  };
  const out: Record<string, number | null> = {};
  for (const [k, q] of Object.entries(queries)) {
    out[k] = (await instantQuery(promUrl, q)).samples[0]?.value ?? null;
  }
  return out;
}
