// `evidence check DIR`: the manifest, the signature, the attestation and every gate recomputed
// offline from the folder's own raw answers, each held to what the folder says. Pure reads only.
import { basename, resolve } from "node:path";
import { isKnownKind, type Kind, KINDS, parseFolderName, SIGNATURE_NAME } from "../evidence/kinds.ts";
import { checkAttestation } from "./attestation.ts";
import { checkManifestStrict } from "./manifest_check.ts";
import { checkReportedGates } from "./reported_gates.ts";
import { recomputeActivity } from "./recompute_activity.ts";
import { recomputeBacktest } from "./recompute_backtest.ts";
import { recomputeBackupDrill } from "./recompute_backup.ts";
import { recomputeDrift } from "./recompute_drift.ts";
import { recomputeLive } from "./recompute_live.ts";
import { recomputeLocal } from "./recompute_local.ts";
import { recomputeOncall } from "./recompute_oncall.ts";
import { recomputeOps } from "./recompute_ops.ts";
import { splitSignedLine } from "../evidence/signed_line.ts";
import { type CheckRow, readText, row, skip } from "./rows.ts";
import { type AllowedKeys, checkSignature } from "./signature.ts";

const RECOMPUTE: Record<Kind, (dir: string) => Promise<CheckRow[]>> = {
  ai_live_ops_verify: recomputeOps,
  ai_live_activity_demo: recomputeActivity,
  ai_live_local_verify: recomputeLocal,
  oncall: recomputeOncall,
  live_loop_verify: recomputeLive,
  drift_report: recomputeDrift,
  backtest: recomputeBacktest,
  backup_drill: recomputeBackupDrill,
};

export interface CheckReport {
  readonly dir: string;
  readonly kind: Kind;
  readonly rows: readonly CheckRow[];
  /** True only when no row disagrees. */
  readonly ok: boolean;
}

/** A folder that cannot be checked at all (missing, not a proof folder, a kind not known): exit 2. */
export class UncheckableFolder extends Error {}

export async function checkFolder(dir: string, allowed: AllowedKeys | null): Promise<CheckReport> {
  const name = parseFolderName(basename(resolve(dir)));
  const info = await Deno.stat(dir).catch(() => null);
  if (!info?.isDirectory) throw new UncheckableFolder(`${dir}: no such folder`);
  if (!name) throw new UncheckableFolder(`${dir}: not a proof folder name (<kind>_<YYYYMMDDTHHMMSSZ>[_N])`);
  if (!isKnownKind(name.kind)) {
    throw new UncheckableFolder(
      `${dir}: unknown folder kind "${name.kind}" (known: ${Object.keys(KINDS).join(", ")})`,
    );
  }
  const rows: CheckRow[] = [
    ...await checkManifestStrict(dir),
    ...await checkSignature(dir, allowed),
    await signedClaimRow(dir, KINDS[name.kind].summary),
    ...await checkAttestation(dir),
  ];
  const recomputed = await RECOMPUTE[name.kind](dir);
  rows.push(...recomputed, ...await checkReportedGates(dir, name.kind, recomputed));
  return { dir, kind: name.kind, rows, ok: rows.every((r) => r.verdict !== "DISAGREE") };
}

/** The summary's `signed=` line must match whether the signature file is there (older proofs: none). */
async function signedClaimRow(dir: string, summaryFile: string): Promise<CheckRow> {
  const claim = splitSignedLine(await readText(dir, summaryFile) ?? "").signed;
  if (claim === null) return skip("signed claim", "-", `${summaryFile} has no signed= line`);
  const present = (await readText(dir, SIGNATURE_NAME)) !== null ? "yes" : "no";
  return row("signed claim", `signed=${claim}`, `signed=${present}`, `${summaryFile} says signed=${claim}`);
}
