import assert from "node:assert/strict";
import { join } from "node:path";
import { sha256File } from "../evidence/sha256.ts";
import { treeFiles } from "../fs/copy_tree.ts";
import { freePort } from "../http/free_port.ts";
import { backupSources, type BackupSourcesFixture } from "../../testing/backup_fixture.ts";
import { makeBackup } from "./make.ts";
import { VERIFIED_FILE } from "./manifest.ts";
import { restoreIntoPlace } from "./restore.ts";
import { listBackups, rotate } from "./rotate.ts";
import { verifyBackup } from "./verify.ts";

const AT = Date.UTC(2026, 2, 1, 12, 0, 0);

async function withBackup(body: (f: BackupSourcesFixture, dir: string, target: string) => Promise<void>) {
  const f = await backupSources(20);
  try {
    const target = join(f.root, "backups");
    const b = await makeBackup({ ...f, target, timeoutMs: 10_000, say: () => {}, now: () => AT - 60_000 });
    await body(f, b.dir, target);
  } finally {
    await Deno.remove(f.root, { recursive: true });
  }
}

const restore = (f: BackupSourcesFixture, backup: string, said: string[]) =>
  restoreIntoPlace({
    backup,
    into: f,
    probe: { host: "127.0.0.1", feedPort: freePort(), loopPort: freePort() },
    say: (line) => said.push(line),
    now: () => AT,
  });

Deno.test("restore --into-place marks the backup it verified VERIFIED, as --verify does; rotation then keeps it", () =>
  withBackup(async (f, dir, target) => {
    const said: string[] = [];
    const swapped = await restore(f, dir, said);
    assert.deepEqual(swapped.map((s) => s.part), ["store", "parquet", "live_state"]);
    assert.equal(
      await Deno.readTextFile(join(dir, VERIFIED_FILE)),
      `verified_at=${new Date(AT).toISOString()}\n`,
    );
    assert.equal(said.filter((l) => l.startsWith("could not mark")).length, 0, said.join("\n"));
    // The mark is not one of the backup's files: it verifies again.
    const scratch = join(f.root, "scratch");
    assert.equal((await verifyBackup(dir, scratch)).ok, true);
    // Two newer unverified backups and keep 1: the verified one stays beside the newest.
    const newer = [];
    for (const at of [AT + 60_000, AT + 120_000]) {
      newer.push((await makeBackup({ ...f, target, timeoutMs: 10_000, say: () => {}, now: () => at })).dir);
    }
    await rotate(target, 1, newer[1].split("/").at(-1));
    assert.deepEqual(await listBackups(target), [dir, newer[1]].map((d) => d.split("/").at(-1)!));
  }));

Deno.test("restore --into-place of a backup that fails verification: nothing restored, no VERIFIED mark", () =>
  withBackup(async (f, dir) => {
    const file = join(dir, "store/bars.parquet");
    const bytes = await Deno.readFile(file);
    bytes[100] ^= 0xff;
    await Deno.writeFile(file, bytes);
    const before = await Promise.all((await treeFiles(f.root)).map((rel) => sha256File(join(f.root, rel))));
    await assert.rejects(restore(f, dir, []), /fails verification .*; nothing was restored$/);
    assert.equal(await Deno.lstat(join(dir, VERIFIED_FILE)).then(() => true, () => false), false);
    const after = await Promise.all((await treeFiles(f.root)).map((rel) => sha256File(join(f.root, rel))));
    assert.deepEqual(after, before);
  }));
