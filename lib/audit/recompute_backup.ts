// backup_drill: every gate judged again from the backup's manifest and what its restore found (both
// kept in the folder) with the same pure comparison the drill and `./tp restore --verify` use; the
// summary header's manifest-derived values (bars, files, event_log...) built again from that manifest
// copy by the drill's own backupDrillHeader; then the verdict and the text summary rendered from those.
import { ObservedSchema } from "../backup/compare.ts";
import { BACKUP_DRILL_FILES } from "../evidence/gate_sources.ts";
import {
  BACKUP_DRILL_HEADER,
  BACKUP_DRILL_SUMMARY,
  backupDrillGates,
  backupDrillHeader,
  DRILL_MANIFEST_KEYS,
  drillManifestHeader,
  type DrillRunHeader,
  parseDrillManifest,
} from "../verify/backup_gates.ts";
import { renderSummary } from "../verify/gates.ts";
import {
  byKey,
  type CheckRow,
  compareGate,
  problem,
  readJson,
  readSummaryBody,
  readText,
  unexpected,
} from "./rows.ts";
import { headerRows, summaryMissing, summaryTextRow, verdictRow } from "./summary_rows.ts";

// How and when the drill ran (seeded, target, rotation...): nothing kept in the folder derives them.
const RUN_KEYS = BACKUP_DRILL_HEADER.filter((k) => !(DRILL_MANIFEST_KEYS as readonly string[]).includes(k));

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
  const run = Object.fromEntries(RUN_KEYS.map((k) => [k, String(summary[k])])) as DrillRunHeader;
  const stored = byKey(summary.gates);
  return [
    ...headerRows(summary, drillManifestHeader(manifest), [...RUN_KEYS, "gates", "verdict"], "backup_drill"),
    ...results.map((r) => compareGate(r.key, stored.get(r.key), r)),
    ...unexpected(stored, results.map((r) => r.key)),
    verdictRow(summary, results, "gates"),
    summaryTextRow(
      BACKUP_DRILL_SUMMARY,
      await readSummaryBody(dir, BACKUP_DRILL_SUMMARY),
      renderSummary(backupDrillHeader(manifest, run), results),
      { basis: "the drill summary recomputed from the folder" },
    ),
  ];
}
