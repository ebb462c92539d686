// A re-sealed backup drill folder whose summary header lies about what the backup held (bars, files),
// in summary.json and the text summary alike, fails `evidence check`, each row naming the key: the
// header is built again from the folder's own manifest copy, not copied from summary.json.
import assert from "node:assert/strict";
import { join } from "node:path";
import { checkFolder } from "../lib/audit/check.ts";
import { runBackupDrill } from "../lib/verify/backup_drill.ts";
import { backupSources } from "../testing/backup_fixture.ts";
import { resealFolder } from "../testing/reseal_folder.ts";

async function replaceIn(path: string, from: string, to: string): Promise<void> {
  const before = await Deno.readTextFile(path), after = before.replace(from, to);
  assert.notEqual(after, before, `${path}: ${from} not found`);
  await Deno.writeTextFile(path, after);
}

Deno.test("backup drill evidence check: a lying bars= and files= header disagrees by key", async () => {
  const f = await backupSources(20);
  try {
    const res = await runBackupDrill({
      backup: { ...f, target: join(f.root, "backups"), timeoutMs: 10_000, say: () => {} },
      textfileDir: join(f.root, "textfile"),
      feedProfile: "simulator",
      evidenceRoot: join(f.root, "ev"),
    });
    assert.equal(res.verdict, "PASS", res.summaryText);
    const honest = (await checkFolder(res.dir, null)).rows;
    assert.deepEqual(honest.filter((r) => r.verdict === "DISAGREE"), []);
    assert.deepEqual(
      honest.filter((r) => r.check.startsWith("summary.json ")).map((r) => r.check),
      ["store_copied_by", "bars", "parquet", "event_log", "oms", "files", "tickproof_commit"]
        .map((k) => `summary.json ${k}`),
    );

    const summaryJson = join(res.dir, "summary.json");
    const summary = JSON.parse(await Deno.readTextFile(summaryJson));
    assert.equal(summary.bars, "20");
    assert.match(summary.files, /^\d+ \(\d+ bytes\)$/);
    await Deno.writeTextFile(
      summaryJson,
      JSON.stringify({ ...summary, bars: "5000", files: "40 (9000000 bytes)" }, null, 2) + "\n",
    );
    const summaryTxt = join(res.dir, "BACKUP_DRILL_SUMMARY.txt");
    await replaceIn(summaryTxt, "bars=20\n", "bars=5000\n");
    await replaceIn(summaryTxt, `files=${summary.files}\n`, "files=40 (9000000 bytes)\n");
    await resealFolder(res.dir);
    const bad = (await checkFolder(res.dir, null)).rows.filter((r) => r.verdict === "DISAGREE");
    assert.deepEqual(bad.map((r) => [r.check, r.stored, r.recomputed]), [
      ["summary.json bars", "5000", "20"],
      ["summary.json files", "40 (9000000 bytes)", summary.files],
      ["BACKUP_DRILL_SUMMARY.txt", "bars=5000", "bars=20"],
    ]);
  } finally {
    await Deno.remove(f.root, { recursive: true });
  }
});
