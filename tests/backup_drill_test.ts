// ./tp backup --drill as a real process: on a fresh checkout (no store) it first makes one with a short
// simulator + feed + live loop run, backs it up while they run, restores it into scratch and verifies
// it, seals backup_drill_<stamp>/ (which ./tp evidence check re-judges) and writes backup.prom. A
// second drill whose backup fails (the loop's event log broken) is a FAIL that keeps the last success.
import assert from "node:assert/strict";
import { join } from "node:path";
import { runPath } from "../lib/oms/boot.ts";
import { runScript } from "../testing/script_proc.ts";

const promValue = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);

Deno.test("backup --drill: makes a store first, backs it up while the stack runs, verifies the restore; a failed drill keeps the last success", async () => {
  const t = await Deno.makeTempDir({ prefix: "tp_backup_drill_" });
  try {
    const env = {
      STORE_PATH: join(t, "data/feed.duckdb"),
      PARQUET_DIR: join(t, "data/parquet"),
      LIVE_STATE_DIR: join(t, "data/live"),
      TICKPROOF_TEXTFILE_DIR: join(t, "textfile"),
      TICKPROOF_SIGNING_KEY: "",
    };
    const args = ["--drill", "--target", join(t, "backups"), "--out-root", join(t, "ev"), "--keep", "3"];
    const d = await runScript("scripts/backup.ts", args, { env });
    assert.equal(d.code, 0, d.stdout + d.stderr);
    const lines = d.stdout.split("\n");
    assert.equal(lines.filter((l) => l.startsWith("no store at ")).length, 1);
    assert.match(
      d.stdout,
      new RegExp(
        `^no store at ${env.STORE_PATH} yet: making one first with a short simulator \\+ feed \\+ live loop run`,
        "m",
      ),
    );
    assert.match(
      d.stdout,
      /^seeded=yes \(simulator \+ feed \+ live loop: \d+ bars, [1-9]\d* event-log records, backed up while running\)$/m,
    );
    assert.match(d.stdout, /^store_copied_by=feed pid \d+ \(EXPORT DATABASE\)$/m);
    for (
      const g of [
        "backup_complete",
        "restore_files",
        "restore_tables",
        "restore_queries",
        "restore_parquet",
        "restore_event_log",
      ]
    ) {
      assert.match(d.stdout, new RegExp(`^gate\\.${g}=PASS `, "m"));
    }
    assert.match(d.stdout, /\nverdict=PASS\n/);
    const folder = /^evidence: (.+)$/m.exec(d.stdout)![1];
    assert.match(folder, /\/backup_drill_\d{8}T\d{6}Z$/);
    const check = await runScript("scripts/evidence.ts", ["check", folder]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /^evidence check: AGREE \(backup_drill, /m);
    const summary = await Deno.readTextFile(join(folder, "BACKUP_DRILL_SUMMARY.txt"));
    assert.match(summary, /\nverdict=PASS\n$/);
    // The verified backup is marked: rotation never deletes the newest verified one.
    const made = /^backup_dir=(.+)$/m.exec(d.stdout)![1];
    assert.match(await Deno.readTextFile(join(made, "VERIFIED")), /^verified_at=\d{4}-\S+Z\n$/);
    assert.match(d.stdout, /^rotation_deleted=none$/m);
    const prom1 = await Deno.readTextFile(join(env.TICKPROOF_TEXTFILE_DIR, "backup.prom"));
    const success = promValue(prom1, "backup_drill_last_success_timestamp_seconds");
    assert.ok(success > 0);
    assert.equal(promValue(prom1, "backup_drill_last_run_timestamp_seconds"), success);

    // The store exists now (no second seed); a broken event log makes the backup, and the drill, fail.
    const log = runPath(env.LIVE_STATE_DIR, 1);
    await Deno.writeTextFile(log, (await Deno.readTextFile(log)).replace('"seq":1', '"seq":7'));
    const f = await runScript("scripts/backup.ts", args, { env });
    assert.equal(f.code, 1, f.stdout + f.stderr);
    assert.doesNotMatch(f.stdout, /^no store at /m);
    assert.match(
      f.stdout,
      /^gate\.backup_complete=FAIL \(want >0 files, got 0; no backup: .*run-000001\.jsonl: the event log does not verify/m,
    );
    assert.match(f.stdout, /^gate\.restore_files=NO_DATA /m);
    assert.match(f.stdout, /\nverdict=FAIL\n/);
    const failed = /^evidence: (.+)$/m.exec(f.stdout)![1];
    const recheck = await runScript("scripts/evidence.ts", ["check", failed]);
    assert.equal(recheck.code, 0, recheck.stdout + recheck.stderr); // the FAIL is recomputed as stored
    const prom2 = await Deno.readTextFile(join(env.TICKPROOF_TEXTFILE_DIR, "backup.prom"));
    assert.equal(promValue(prom2, "backup_drill_last_success_timestamp_seconds"), success);
    assert.ok(promValue(prom2, "backup_drill_last_run_timestamp_seconds") >= success);
    // Only the good backup is under the target.
    const backups = [...Deno.readDirSync(join(t, "backups"))].map((e) => e.name).filter((n) =>
      n !== ".staging"
    );
    assert.deepEqual(backups, [made.split("/").at(-1)]);
  } finally {
    await Deno.remove(t, { recursive: true });
  }
});
