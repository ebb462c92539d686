// The run options every proof shares: where its folder goes, which task it is, with which args.
import type { EvidenceRunOptions } from "./with_evidence.ts";

/** What every proof's options say about its folder and run.json: where, as which task, with which args. */
export interface ProofRunOptions {
  evidenceRoot?: string;
  command?: string;
  args?: string[];
}

/** withEvidence's run options from a proof's own; `command` is the task name when opts give none. */
export function proofRun(
  opts: ProofRunOptions,
  command: string,
  more: Omit<EvidenceRunOptions, "root" | "command" | "args"> = {},
): EvidenceRunOptions {
  return { root: opts.evidenceRoot, command: opts.command ?? command, args: opts.args, ...more };
}
