// A judged gate as evidence records it: the shape every proof's gates share (ai_live, stack,
// on-call), so the formats outside readers use (JUnit, in-toto) are written in one place.

export type GateRecordStatus = "PASS" | "FAIL" | "NO_DATA" | "ERROR" | "WARN";

export interface GateRecord {
  /** Summary key, a contract (e.g. `up_jobs_rc`). */
  readonly key: string;
  /** Where the value came from: the PromQL, `GET <url>`, or a check's source. */
  readonly promql: string;
  /** The pass condition as people read it (`=3`, `>0`). */
  readonly want: string;
  readonly status: GateRecordStatus;
  readonly value: number | null;
  readonly detail: string;
}

/** Gates split the way test reporters count them: passed, warned, failed (FAIL, NO_DATA, ERROR). */
export function gateOutcomes(
  gates: readonly GateRecord[],
): { passed: string[]; warned: string[]; failed: string[] } {
  const passed: string[] = [], warned: string[] = [], failed: string[] = [];
  for (const g of gates) {
    if (g.status === "PASS") passed.push(g.key);
    else if (g.status === "WARN") warned.push(g.key);
    else failed.push(g.key);
  }
  return { passed, warned, failed };
}
