import assert from "node:assert/strict";
import { join } from "node:path";
import { hashFiles, MANIFEST_FILE, VERIFIED_FILE } from "./manifest.ts";
import { firstFreeSeq } from "../fs/staged_dir.ts";
import { backupName, beyondKeep, listBackups, markVerified, oldestFirst, rotate } from "./rotate.ts";

Deno.test("rotation order: by stamp, then the same second's later backup; other names ignored", () => {
  const names = ["backup_20260102T000000Z", "backup_20260101T000000Z_2", "x", "backup_20260101T000000Z"];
  assert.deepEqual(oldestFirst(names), [
    "backup_20260101T000000Z",
    "backup_20260101T000000Z_2",
    "backup_20260102T000000Z",
  ]);
  assert.deepEqual(beyondKeep(names, 2), ["backup_20260101T000000Z"]);
  assert.deepEqual(beyondKeep(names, 5), []);
});

Deno.test("rotate keeps the newest N complete backups; never an incomplete one or the staging area", async () => {
  const target = await Deno.makeTempDir();
  try {
    const stamps = ["20260101T000000Z", "20260102T000000Z", "20260103T000000Z", "20260104T000000Z"];
    for (const s of stamps) {
      await Deno.mkdir(join(target, `backup_${s}`));
      await Deno.writeTextFile(join(target, `backup_${s}`, MANIFEST_FILE), "{}");
    }
    await Deno.mkdir(join(target, "backup_20250101T000000Z")); // no manifest: not a backup
    assert.equal(
      backupName(stamps[0], await firstFreeSeq(target, (n) => backupName(stamps[0], n))),
      `backup_${stamps[0]}_2`,
    );
    assert.deepEqual(await rotate(target, 2), ["backup_20260101T000000Z", "backup_20260102T000000Z"]);
    assert.deepEqual(await listBackups(target), ["backup_20260103T000000Z", "backup_20260104T000000Z"]);
    const left = [];
    for await (const e of Deno.readDir(target)) left.push(e.name);
    assert.deepEqual(left.sort(), [
      ".staging",
      "backup_20250101T000000Z",
      "backup_20260103T000000Z",
      "backup_20260104T000000Z",
    ]);
    assert.deepEqual([...Deno.readDirSync(join(target, ".staging"))], []);
    await assert.rejects(rotate(target, 0), RangeError);
  } finally {
    await Deno.remove(target, { recursive: true });
  }
});

Deno.test("rotation never deletes the backup just made nor the newest verified one", () => {
  const names = ["backup_20260101T000000Z", "backup_20260102T000000Z", "backup_20260103T000000Z"];
  // The just-made one counts as the newest whatever its stamp (the clock stepped back).
  assert.deepEqual(beyondKeep(names, 1, { justMade: names[0] }), [names[1], names[2]]);
  // Bad backups made after the last verified one never push it out.
  assert.deepEqual(beyondKeep(names, 1, { justMade: names[2], verified: [names[0]] }), [names[1]]);
  assert.deepEqual(beyondKeep(names, 1, { justMade: names[2], verified: [names[0], names[1]] }), [names[0]]);
  assert.deepEqual(beyondKeep(names, 2, { verified: [names[2]] }), [names[0]]);
});

Deno.test("keep 1 with an existing backup stamped later than the one just made keeps the new one", async () => {
  const t = await Deno.makeTempDir();
  try {
    for (const n of ["backup_20261203T000000Z", "backup_20261202T120000Z"]) {
      await Deno.mkdir(join(t, n));
      await Deno.writeTextFile(join(t, n, MANIFEST_FILE), "{}");
    }
    // The second is the one just made (clock stepped back, or stamps from another host).
    assert.deepEqual(await rotate(t, 1, "backup_20261202T120000Z"), ["backup_20261203T000000Z"]);
    assert.deepEqual(await listBackups(t), ["backup_20261202T120000Z"]);
  } finally {
    await Deno.remove(t, { recursive: true });
  }
});

Deno.test("rotate keeps the newest VERIFIED backup (markVerified) beyond keep; the mark is not a hashed file", async () => {
  const t = await Deno.makeTempDir();
  try {
    const names = ["backup_20260101T000000Z", "backup_20260102T000000Z", "backup_20260103T000000Z"];
    for (const n of names) {
      await Deno.mkdir(join(t, n));
      await Deno.writeTextFile(join(t, n, MANIFEST_FILE), "{}");
    }
    await markVerified(join(t, names[0]), Date.UTC(2026, 0, 1, 1));
    assert.equal(
      await Deno.readTextFile(join(t, names[0], VERIFIED_FILE)),
      "verified_at=2026-01-01T01:00:00.000Z\n",
    );
    assert.deepEqual(await hashFiles(join(t, names[0])), []);
    assert.deepEqual(await rotate(t, 1, names[2]), [names[1]]);
    assert.deepEqual(await listBackups(t), [names[0], names[2]]);
  } finally {
    await Deno.remove(t, { recursive: true });
  }
});
