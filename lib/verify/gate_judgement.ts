// How a gate proof hands its judgement to withEvidence: the verdict of its gates, the key=value text
// summary and summary.json from one header, so the text and the JSON can never disagree.
import type { Judged } from "../evidence/with_evidence.ts";
import { type GateResult, overallVerdict, renderSummary } from "./gates.ts";

/** Everything but run.json's config and the caller's own value; `listKey` names the gates in summary.json. */
export function gateJudgement(
  file: string,
  header: Record<string, string>,
  results: GateResult[],
  listKey: "gates" | "checks",
): Omit<Judged<unknown>, "config" | "value"> {
  const verdict = overallVerdict(results);
  return {
    verdict,
    summary: { file, text: renderSummary(header, results) },
    summaryJson: { ...header, [listKey]: results, verdict },
    gates: results,
  };
}
