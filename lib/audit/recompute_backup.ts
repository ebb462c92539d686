// backup_drill: every gate judged again from the backup's manifest and what its restore found (both
// kept in the folder) with the same pure comparison the drill and `./tp restore --verify` use; then the
// verdict and the text summary.
import { ObservedSchema } from "../backup/compare.ts";
import { BACKUP_DRILL_FILES } from "../evidence/gate_sources.ts";
import {
  BACKUP_DRILL_HEADER,
  BACKUP_DRILL_SUMMARY,
  backupDrillGates,
  parseDrillManifest,
} from "../verify/backup_gates.ts";
import { byKey, type CheckRow, compareGate, problem, readJson, readText, unexpected } from "./rows.ts";
import { summaryFileRow, summaryMissing, verdictRow } from "./summary_rows.ts";

export async function recomputeBackupDrill(dir: string): Promise<CheckRow[]> {
  const summary = await readJson(dir, "summary.json");
  if (!summary) return summaryMissing();
  const manifest = parseDrillManifest(await readText(dir, BACKUP_DRILL_FILES.manifest));
  if (typeof manifest === "string") {
    return [problem(`raw ${BACKUP_DRILL_FILES.manifest}`, "unreadable", "-", manifest)];
  }
  const observedText = await readText(dir, BACKUP_DRILL_FILES.observed);
  let observed = null;
  if (observedText !== null) {
    let raw: unknown;
    try {
      raw = JSON.parse(observedText);
    } catch (err) {
      return [problem(`raw ${BACKUP_DRILL_FILES.observed}`, "unreadable", "-", (err as Error).message)];
    }
    const r = ObservedSchema.safeParse(raw);
    if (!r.success) {
      const i = r.error.issues[0];
      return [
        problem(`raw ${BACKUP_DRILL_FILES.observed}`, "unreadable", "-", `${i.path.join(".")} ${i.message}`),
      ];
    }
    observed = r.data;
  }
  const error = (await readText(dir, BACKUP_DRILL_FILES.error))?.trim() ?? null;
  const results = backupDrillGates(manifest, observed, error);
  const stored = byKey(summary.gates);
  return [
    ...results.map((r) => compareGate(r.key, stored.get(r.key), r)),
    ...unexpected(stored, results.map((r) => r.key)),
    verdictRow(summary, results, "gates"),
    await summaryFileRow(dir, BACKUP_DRILL_SUMMARY, summary, BACKUP_DRILL_HEADER, results),
  ];
}
