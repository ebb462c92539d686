// ./tp backup and ./tp restore as real processes on a real DuckDB store and a real loop state dir, with
// the services stopped: a backup restores verified; a tampered one fails naming the file; --keep N
// keeps N; --into-place puts the backup back and keeps what it replaced.
import assert from "node:assert/strict";
import { join } from "node:path";
import { sha256File } from "../lib/evidence/sha256.ts";
import { treeFiles } from "../lib/fs/copy_tree.ts";
import { freePort } from "../lib/http/free_port.ts";
import { BarReader } from "../lib/store/bar_reader.ts";
import {
  backupSources,
  type BackupSourcesFixture,
  fixtureBar,
  writeStore,
} from "../testing/backup_fixture.ts";
import { fencedBlocks } from "../testing/runbook_md.ts";
import { runScript } from "../testing/script_proc.ts";

const backup = (f: BackupSourcesFixture, ...args: string[]) =>
  runScript("scripts/backup.ts", ["--config-dir", f.configDir, ...args], { env: f.env });
const restore = (f: BackupSourcesFixture, ...args: string[]) =>
  runScript("scripts/restore.ts", args, { env: f.env });

async function dirs(path: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(path)) out.push(e.name);
  return out.sort();
}

/** Every file under `root` with the SHA-256 of its bytes, by relative path. */
async function treeBytes(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const rel of await treeFiles(root)) {
    out[rel] = (await sha256File(join(root, rel))).sha256;
  }
  return out;
}

const exists = (path: string) => Deno.lstat(path).then(() => true, () => false);

async function withSources(body: (f: BackupSourcesFixture, target: string) => Promise<void>) {
  const f = await backupSources(50);
  try {
    await body(f, join(f.root, "backups"));
  } finally {
    await Deno.remove(f.root, { recursive: true });
  }
}

Deno.test("backup with the feed stopped; restore --verify passes; a tampered copy fails naming the file", async () => {
  await withSources(async (f, target) => {
    const b = await backup(f, "--target", target);
    assert.equal(b.code, 0, b.stderr);
    const dir = /^backup: (.+)$/m.exec(b.stdout)![1];
    // schema_meta: the store's version record (made at 1, stepped to 2: lib/store/store_schema.ts).
    assert.match(
      b.stdout,
      /^store: bars 50, schema_meta 2 rows, exported by backup \(read-only open, EXPORT DATABASE\)/m,
    );
    assert.match(b.stdout, /; schema store 2, state dir 1$/m);
    assert.match(b.stdout, /^parquet: 1 files, 50 rows$/m);
    assert.match(
      b.stdout,
      /^live state: 4 files; event log 2 runs, 9 records, last run 2 seq 3 \(\w{12}\); replays to crashed_recovered, 2 orders$/m,
    );
    assert.deepEqual(await dirs(target), [".staging", dir.split("/").at(-1)!]);
    assert.deepEqual(await dirs(dir), ["BACKUP_MANIFEST.json", "config", "live_state", "parquet", "store"]);

    const ok = await restore(f, "--verify", dir);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    for (const c of ["files", "tables", "queries", "parquet", "event_log"]) {
      assert.match(ok.stdout, new RegExp(`^${c}: ok$`, "m"));
    }
    assert.match(ok.stdout, /^verified: /m);

    // One byte changed in the store's export: the checksum names it, and the store is not imported.
    const bad = join(f.root, "tampered");
    await Deno.mkdir(bad);
    await new Deno.Command("cp", { args: ["-r", `${dir}/.`, bad] }).output();
    const file = join(bad, "store/bars.parquet");
    const bytes = await Deno.readFile(file);
    bytes[100] ^= 0xff;
    await Deno.writeFile(file, bytes);
    const t = await restore(f, "--verify", bad);
    assert.equal(t.code, 1, t.stdout);
    assert.match(
      t.stdout,
      /^files: FAIL store\/bars\.parquet: SHA-256 differs from the manifest \(tampered or damaged\)$/m,
    );
    assert.match(t.stdout, /^tables: FAIL store\/: not imported: its files do not match the manifest$/m);
    assert.equal(
      t.stderr.trim(),
      `restore: ${bad} FAILS verification: store/bars.parquet: SHA-256 differs from the manifest (tampered or damaged)`,
    );
    // A file added to the backup is named too.
    await Deno.remove(file);
    await Deno.writeFile(file, bytes.map((x, i) => i === 100 ? x ^ 0xff : x));
    await Deno.writeTextFile(join(bad, "config/extra.json"), "{}\n");
    const extra = await restore(f, "--verify", bad);
    assert.equal(extra.code, 1);
    assert.match(extra.stderr, /config\/extra\.json: not in the manifest/);
  });
});

Deno.test("backup --keep 2 after three backups keeps the newest two", async () => {
  await withSources(async (f, target) => {
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const b = await backup(f, "--target", target, "--keep", "2");
      assert.equal(b.code, 0, b.stderr);
      made.push(/^backup: (.+)$/m.exec(b.stdout)![1].split("/").at(-1)!);
      const deleted = i < 2 ? "none" : made[0];
      assert.match(b.stdout, new RegExp(`^rotation: keep 2; deleted ${deleted}$`, "m"));
    }
    assert.deepEqual(await dirs(target), [".staging", made[1], made[2]].sort());
    assert.deepEqual(await dirs(join(target, ".staging")), []);
  });
});

Deno.test("no store yet: one line saying so, exit 2, nothing under the target", async () => {
  await withSources(async (f, target) => {
    await Deno.remove(f.storePath);
    const b = await backup(f, "--target", target);
    assert.equal(b.code, 2);
    assert.equal(
      b.stderr.trim(),
      `backup: no store at ${f.storePath} (STORE_PATH): nothing to back up yet; start the feed, or on a ` +
        "fresh checkout run ./tp backup --drill, which makes one first",
    );
    assert.deepEqual((await dirs(target).catch(() => [])).filter((d) => d !== ".staging"), []);
  });
});

Deno.test("backup --drill with no store beside a state dir with data: refused, nothing written, the state dir untouched", async () => {
  await withSources(async (f, target) => {
    await Deno.remove(f.storePath);
    await Deno.remove(f.parquetDir, { recursive: true }).catch(() => {});
    const before = await treeBytes(f.stateDir);
    const textfile = join(f.root, "textfile"), evidence = join(f.root, "ev");
    const d = await runScript(
      "scripts/backup.ts",
      ["--drill", "--config-dir", f.configDir, "--target", target, "--out-root", evidence, "--keep", "1"],
      { env: { ...f.env, TICKPROOF_TEXTFILE_DIR: textfile } },
    );
    assert.equal(d.code, 2, d.stdout + d.stderr);
    assert.equal(d.stdout, "");
    assert.equal(
      d.stderr.trim(),
      `backup: refusing to seed a store for the drill: no store at ${f.storePath} (STORE_PATH), but the live ` +
        `loop's state dir (LIVE_STATE_DIR) ${f.stateDir} holds data a simulator run would be mixed into; ` +
        "check STORE_PATH, or restore the store (runbooks/backup_and_restore.md)",
    );
    assert.deepEqual(await treeBytes(f.stateDir), before);
    for (const p of [target, textfile, evidence]) assert.equal(await exists(p), false, p);
  });
});

Deno.test("backup --drill with no data at all under a venue profile: refused (no simulator bars where the venues' go)", async () => {
  await withSources(async (f, target) => {
    await Deno.remove(f.storePath);
    await Deno.remove(f.parquetDir, { recursive: true }).catch(() => {});
    await Deno.remove(f.stateDir, { recursive: true });
    const textfile = join(f.root, "textfile"), evidence = join(f.root, "ev");
    const d = await runScript(
      "scripts/backup.ts",
      [
        "--drill",
        "--env",
        "config/env/live.public.env",
        "--config-dir",
        f.configDir,
        "--target",
        target,
        "--out-root",
        evidence,
      ],
      { env: { ...f.env, TICKPROOF_TEXTFILE_DIR: textfile } },
    );
    assert.equal(d.code, 2, d.stdout + d.stderr);
    assert.equal(d.stdout, "");
    assert.equal(
      d.stderr.trim(),
      `backup: refusing to seed a store for the drill: no store at ${f.storePath} (STORE_PATH) and the feed's ` +
        "profile is public, not sim: a simulator run would leave simulator bars where the feed will store the " +
        "venues'; start the feed first, then run the drill once it has stored bars",
    );
    for (const p of [f.storePath, f.stateDir, f.parquetDir, target, textfile, evidence]) {
      assert.equal(await exists(p), false, p);
    }
  });
});

Deno.test("restore --verify marks the backup VERIFIED; --keep 1 never deletes the newest verified one", async () => {
  await withSources(async (f, target) => {
    const name = (out: string) => /^backup: (.+)$/m.exec(out)![1].split("/").at(-1)!;
    const first = await backup(f, "--target", target, "--keep", "1");
    assert.equal(first.code, 0, first.stderr);
    const verified = name(first.stdout);
    const v = await restore(f, "--verify", join(target, verified));
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(await Deno.readTextFile(join(target, verified, "VERIFIED")), /^verified_at=\d{4}-\S+Z\n$/);
    // The mark is not one of the backup's files: it verifies again.
    assert.equal((await restore(f, "--verify", join(target, verified))).code, 0);
    const made: string[] = [];
    for (let i = 0; i < 2; i++) {
      const b = await backup(f, "--target", target, "--keep", "1");
      assert.equal(b.code, 0, b.stderr);
      made.push(name(b.stdout));
      assert.match(b.stdout, new RegExp(`^rotation: keep 1; deleted ${i === 0 ? "none" : made[0]}$`, "m"));
    }
    assert.deepEqual(await dirs(target), [".staging", verified, made[1]].sort());
  });
});

Deno.test("restore --into-place with the services stopped puts the backup back and keeps what it replaced", async () => {
  await withSources(async (f, target) => {
    const b = await backup(f, "--target", target);
    assert.equal(b.code, 0, b.stderr);
    const dir = /^backup: (.+)$/m.exec(b.stdout)![1];
    // After the backup: the store gains bars and the loop's log a run; the restore must undo both.
    await Deno.remove(f.storePath);
    await writeStore(f.root, 80);
    await Deno.writeTextFile(join(f.stateDir, "log/run-000003.jsonl"), "");
    const ports = ["--feed-port", String(freePort()), "--loop-port", String(freePort())];
    const r = await restore(f, dir, "--into-place", ...ports);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      new RegExp(
        `^restored store: ${f.storePath} \\(the one it replaced: ${f.storePath}\\.pre_restore_\\w+\\)$`,
        "m",
      ),
    );
    assert.match(r.stdout, /^restored live_state: /m);
    assert.match(r.stdout, /^restored parquet: /m);
    // The restore verified the backup first: marked as --verify marks it, so rotation keeps it alike.
    assert.match(await Deno.readTextFile(join(dir, "VERIFIED")), /^verified_at=\d{4}-\S+Z\n$/);
    const reader = await BarReader.open(f.storePath);
    try {
      const bars = await reader.recentBars("bybit", "ETH-USDT", "1m", 1000);
      assert.deepEqual(bars, Array.from({ length: 50 }, (_, i) => fixtureBar(i)));
    } finally {
      reader.close();
    }
    assert.deepEqual(await dirs(join(f.stateDir, "log")), ["run-000001.jsonl", "run-000002.jsonl"]);
    const replaced = (await dirs(f.root)).filter((n) => n.includes(".pre_restore_"));
    assert.equal(replaced.length, 3, replaced.join(","));
    assert.equal((await dirs(f.root)).filter((n) => n.startsWith(".restore_")).length, 0);
    // The restored place verifies as a backup source again: a new backup of it equals the old one's answers.
    const again = await backup(f, "--target", target);
    assert.equal(again.code, 0, again.stderr);
    const m1 = JSON.parse(await Deno.readTextFile(join(dir, "BACKUP_MANIFEST.json")));
    const dir2 = /^backup: (.+)$/m.exec(again.stdout)![1];
    const m2 = JSON.parse(await Deno.readTextFile(join(dir2, "BACKUP_MANIFEST.json")));
    assert.deepEqual(m2.duckdb, m1.duckdb);
    assert.deepEqual(m2.live_state.oms, m1.live_state.oms);
  });
});

Deno.test("backup_and_restore.md shows only flags ./tp backup and ./tp restore have", async () => {
  const text = await Deno.readTextFile("runbooks/backup_and_restore.md");
  for (const task of ["backup", "restore"]) {
    const script = await Deno.readTextFile(`scripts/${task}.ts`);
    const help = /const HELP = `([\s\S]*?)`;/.exec(script)![1];
    const flags = new Set([...help.matchAll(/^\s+(--[\w-]+)/gm)].map((m) => m[1]));
    const shown = fencedBlocks(text, "sh").flatMap((b) =>
      [...b.body.matchAll(new RegExp(`\\./tp ${task}\\b([^\\n]*)`, "g"))].flatMap((m) =>
        [...m[1].matchAll(/--[\w-]+/g)].map((f) => f[0])
      )
    );
    assert.ok(shown.length > 0, `the runbook shows ./tp ${task}`);
    for (const f of shown) assert.ok(flags.has(f), `./tp ${task} ${f} is not in scripts/${task}.ts --help`);
  }
});
