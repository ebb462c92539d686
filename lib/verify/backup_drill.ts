// `./tp backup --drill`: a backup counts only once a restore of it was verified, so the drill makes one
// (lib/backup/make.ts), restores it into a scratch folder and verifies it (lib/backup/verify.ts), and
// seals the evidence folder `backup_drill_<stamp>/`: the backup's manifest and what the restore found
// (so `./tp evidence check` re-judges every gate offline), the summary, run.json. A fresh checkout with
// no store and no state dir gets both first from a short simulator + feed + loop run (backup_seed.ts);
// a missing store beside existing data is refused (exit 2) before anything is written. Rotation runs only
// once the restore verified, and the verified backup is marked (rotate.ts): a failing drill deletes
// nothing. Then backup.prom for node-exporter's textfile collector: the drill's last run, and its last
// success.
import { basename, join, resolve } from "node:path";
import { ObservedSchema } from "../backup/compare.ts";
import { type BackupOptions, type BackupResult, makeBackup } from "../backup/make.ts";
import { BACKUP_PROM_FILE, drillSamples } from "../backup/drill_prom.ts";
import { MANIFEST_FILE } from "../backup/manifest.ts";
import { markVerified, rotate } from "../backup/rotate.ts";
import { verifyBackup } from "../backup/verify.ts";
import { BACKUP_DRILL_FILES } from "../evidence/gate_sources.ts";
import { proofRun, type ProofRunOptions } from "../evidence/proof_run.ts";
import { withEvidence } from "../evidence/with_evidence.ts";
import { writeTextfile } from "../prom/textfile.ts";
import {
  BACKUP_DRILL_SUMMARY,
  backupDrillGates,
  backupDrillHeader,
  parseDrillManifest,
} from "./backup_gates.ts";
import { assertSeedable, needsSeed, type SeedStack, seedStack } from "./backup_seed.ts";
import { gateJudgement } from "./gate_judgement.ts";

export { BACKUP_PROM_FILE };

export interface BackupDrillOptions extends ProofRunOptions {
  readonly backup: BackupOptions;
  /** Where backup.prom goes (TICKPROOF_TEXTFILE_DIR). */
  readonly textfileDir: string;
  /** The feed's FEED_PROFILE: the drill seeds a missing store only for the simulator profile. */
  readonly feedProfile: string;
  readonly now?: () => number;
}

export interface BackupDrillResult {
  readonly verdict: "PASS" | "FAIL";
  readonly dir: string;
  readonly summaryText: string;
  readonly promFile: string;
}

const message = (err: unknown) => err instanceof Error ? err.message : String(err);

export async function runBackupDrill(o: BackupDrillOptions): Promise<BackupDrillResult> {
  const now = o.now ?? Date.now;
  const b = o.backup;
  let verdict: "PASS" | "FAIL" = "FAIL";
  // Before any evidence or metric: a refusal (store missing beside existing data) changes nothing.
  const seedFirst = await needsSeed(b);
  if (seedFirst) assertSeedable(o.feedProfile, b.storePath);
  try {
    const sealed = await withEvidence("backup_drill", proofRun(o, "backup", { now }), async (ev) => {
      let seed: SeedStack | null = null;
      let seeded = "no";
      const work = await Deno.makeTempDir({ prefix: "tp_backup_drill_" });
      let result: BackupResult | null = null, error: string | null = null;
      let deleted = "none";
      try {
        if (seedFirst) {
          b.say(
            `no store at ${b.storePath} yet: making one first with a short simulator + feed + live loop run ` +
              `(free ports; logs in ${ev.shown(ev.path("seed_logs"))})`,
          );
          seed = await seedStack({
            storePath: b.storePath,
            parquetDir: b.parquetDir,
            stateDir: b.stateDir,
            workDir: join(work, "seed"),
            logDir: ev.path("seed_logs"),
          });
          seeded =
            `yes (simulator + feed + live loop: ${seed.bars} bars, ${seed.records} event-log records, ` +
            "backed up while running)";
        }
        try {
          result = await makeBackup({ ...b, keep: undefined }); // rotated below, once verified
        } catch (err) {
          error = message(err);
        } finally {
          await seed?.stop();
        }
        const v = result ? await verifyBackup(result.dir, join(work, "restore")) : null;
        if (result) {
          await ev.write(BACKUP_DRILL_FILES.manifest, await Deno.readFile(join(result.dir, MANIFEST_FILE)));
        }
        if (v?.observed) await ev.writeJson(BACKUP_DRILL_FILES.observed, v.observed);
        if (result && v?.ok) deleted = await markAndRotate(b, result.dir, now());
        if (error !== null) await ev.write(BACKUP_DRILL_FILES.error, error + "\n");
      } finally {
        await Deno.remove(work, { recursive: true }).catch(() => {});
      }
      // Judged from the files as written, exactly as `./tp evidence check` will read them.
      const manifest = parseDrillManifest(
        await Deno.readTextFile(ev.path(BACKUP_DRILL_FILES.manifest)).catch(() => null),
      );
      const observedText = await Deno.readTextFile(ev.path(BACKUP_DRILL_FILES.observed)).catch(() => null);
      const m = typeof manifest === "string" ? null : manifest;
      const observed = observedText === null ? null : ObservedSchema.parse(JSON.parse(observedText));
      const results = backupDrillGates(m, observed, error);
      const header = backupDrillHeader(m, {
        seeded,
        target: resolve(b.target),
        backup_dir: result?.dir ?? "none",
        store: b.storePath,
        rotation_deleted: deleted,
        drilled_at: new Date(now()).toISOString(),
      });
      return {
        ...gateJudgement(BACKUP_DRILL_SUMMARY, header, results, "gates"),
        config: {
          target: resolve(b.target),
          keep: b.keep ?? null,
          storePath: b.storePath,
          parquetDir: b.parquetDir,
          stateDir: b.stateDir,
          configDir: b.configDir,
          timeoutMs: b.timeoutMs,
          textfileDir: o.textfileDir,
        },
        value: undefined,
      };
    });
    verdict = sealed.verdict;
    return {
      verdict,
      dir: sealed.dir,
      summaryText: sealed.summaryText,
      promFile: await writeProm(o, now, verdict),
    };
  } catch (err) {
    await writeProm(o, now, "FAIL").catch(() => {}); // a drill that could not even run is a failed run
    throw err;
  }
}

/** Marks the verified backup, then rotates (never it, rotate.ts); what rotation deleted, or why it failed. */
async function markAndRotate(b: BackupOptions, dir: string, at: number): Promise<string> {
  try {
    await markVerified(dir, at);
    const gone = b.keep === undefined ? [] : await rotate(resolve(b.target), b.keep, basename(dir));
    return gone.length ? gone.join(",") : "none";
  } catch (err) {
    b.say(`rotation after the verified backup failed: ${message(err)}`);
    return `none (rotation failed: ${message(err)})`;
  }
}

async function writeProm(
  o: BackupDrillOptions,
  now: () => number,
  verdict: "PASS" | "FAIL",
): Promise<string> {
  const previous = await Deno.readTextFile(join(o.textfileDir, BACKUP_PROM_FILE)).catch(() => "");
  return await writeTextfile(
    o.textfileDir,
    BACKUP_PROM_FILE,
    drillSamples(verdict === "PASS", now(), previous),
  );
}
