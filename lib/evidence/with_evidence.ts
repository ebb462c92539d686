// One proof run, one evidence folder: withEvidence owns the folder's whole life (stage, summary,
// run.json, manifest, atomic rename), so every proof is sealed the same way and anything added to
// every proof later (signing, JUnit) goes here once. The body only writes its own files and judges.
import { DEFAULT_EVIDENCE_ROOT, EvidenceFolder, type EvidenceOptions } from "./folder.ts";
import type { GateRecord } from "./gate_record.ts";
import { SIGNATURE_NAME } from "./kinds.ts";
import { collectVersions, runInfo } from "./run_info.ts";
import { writeSealExtras } from "./seal_extras.ts";
import { withSignedLine } from "./signed_line.ts";
import type { Ed25519Key } from "./ssh_key.ts";
import { loadSigningKey } from "./ssh_key_path.ts";
import { signSshsig } from "./sshsig.ts";

export type Verdict = "PASS" | "FAIL";

/** What a body may do with the folder: write into it and name paths; sealing is withEvidence's. */
export type EvidenceHandle = Pick<
  EvidenceFolder,
  "staging" | "intended" | "path" | "shown" | "write" | "writeJson"
>;

export interface EvidenceRunOptions extends EvidenceOptions {
  /** run.json `command` (the task name) and `args` (redacted). */
  command: string;
  args?: string[];
  /**
   * The key that signs the manifest; null = unsigned. Default: TICKPROOF_SIGNING_KEY or the default
   * key file, loaded before anything runs, so a broken key stops the proof instead of skipping it.
   */
  signingKey?: Ed25519Key | null;
  /** Config files the proof read: their digests go into the attestation. */
  configFiles?: readonly string[];
}

/** What the body hands back: the verdict, the summary files and run.json's effective config. */
export interface Judged<T> {
  verdict: Verdict;
  /** The human summary, e.g. `AI_LIVE_OPS_SUMMARY.txt`; written as given. */
  summary: { file: string; text: string };
  /** `summary.json`, for proofs that have one. */
  summaryJson?: unknown;
  /** The judged gates, for gates.junit.xml, CHECK.txt and the attestation. */
  gates: readonly GateRecord[];
  /** run.json `config` (redacted on write). */
  config: unknown;
  /** Anything else the caller returns to its own caller. */
  value: T;
}

export interface Sealed<T> {
  verdict: Verdict;
  /** The final folder, `<root>/<name>_<stamp>` or `..._2` when that second was taken. */
  dir: string;
  summaryText: string;
  value: T;
}

/**
 * Runs `body` against a fresh staging folder, then writes the summary, summary.json, run.json and
 * the manifest and renames the folder into place. When the body (or sealing) throws, the staging
 * folder is dropped and the error goes on: no half proof ever appears. `started` is when the run
 * began (the clock read before the folder was made), for the body's own notes.
 */
export async function withEvidence<T>(
  name: string,
  opts: EvidenceRunOptions,
  body: (ev: EvidenceHandle, started: number) => Promise<Judged<T>>,
): Promise<Sealed<T>> {
  const now = opts.now ?? Date.now;
  const root = opts.root ?? DEFAULT_EVIDENCE_ROOT;
  const key = opts.signingKey !== undefined
    ? opts.signingKey
    : await loadSigningKey((n) => Deno.env.get(n), root);
  const started = now();
  const ev = await EvidenceFolder.create(name, { root: opts.root, now });
  try {
    const j = await body(ev, started);
    await ev.write(j.summary.file, withSignedLine(j.summary.text, key !== null));
    if (j.summaryJson !== undefined) await ev.writeJson("summary.json", j.summaryJson);
    const info = runInfo(opts.command, opts.args ?? [], started, now(), await collectVersions(), j.config);
    await ev.writeJson("run.json", info);
    await writeSealExtras(ev.staging, (rel, data) => ev.write(rel, data), {
      kind: name,
      gates: j.gates,
      startedMs: started,
      endedMs: now(),
      signed: key !== null,
      command: ["./tp", opts.command, ...info.args].join(" "),
      configFiles: opts.configFiles ?? [],
    });
    const dir = await ev.finalize(
      key ? (manifest) => ev.write(SIGNATURE_NAME, signSshsig(manifest, key)) : undefined,
    );
    return { verdict: j.verdict, dir, summaryText: j.summary.text, value: j.value };
  } catch (err) {
    await ev.abandon();
    throw err;
  }
}
