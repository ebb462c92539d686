import assert from "node:assert/strict";
import { join } from "node:path";
import { MANIFEST_FILE } from "./manifest.ts";
import { beyondKeep, freeName, listBackups, oldestFirst, rotate } from "./rotate.ts";

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
    assert.equal(await freeName(target, stamps[0]), `backup_${stamps[0]}_2`);
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
