import assert from "node:assert/strict";
import { join } from "node:path";
import {
  createStaging,
  dropStaging,
  firstFreeSeq,
  publishStaging,
  removeWhole,
  STAGING,
} from "./staged_dir.ts";

const names = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();
const named = (seq: number) => `run_X${seq === 1 ? "" : `_${seq}`}`;

async function withRoot(fn: (root: string) => Promise<void>) {
  const root = await Deno.makeTempDir({ prefix: "staged_dir_test_" });
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("staged folder: nothing under the root until published, then the whole folder at once", () =>
  withRoot(async (root) => {
    const s = await createStaging(root, "run_X");
    assert.match(s, new RegExp(`/${STAGING}/run_X_[0-9a-f]{8}$`));
    await Deno.writeTextFile(join(s, "a.txt"), "a");
    assert.deepEqual(names(root), [STAGING]);
    const final = await publishStaging(s, root, named, { durable: true });
    assert.equal(final, join(root, "run_X"));
    assert.deepEqual(names(final), ["a.txt"]);
    assert.deepEqual(names(join(root, STAGING)), []);
  }));

Deno.test("staged folder: a taken name (even an empty folder) moves it to the next seq; from starts later", () =>
  withRoot(async (root) => {
    await Deno.mkdir(join(root, "run_X"));
    assert.equal(await firstFreeSeq(root, named), 2);
    assert.equal(await firstFreeSeq(root, named, 3), 3);
    const a = await publishStaging(await createStaging(root, "run_X"), root, named);
    assert.equal(a, join(root, "run_X_2"));
    const b = await publishStaging(await createStaging(root, "run_X"), root, named, { from: 5 });
    assert.equal(b, join(root, "run_X_5"));
  }));

Deno.test("staged folder: dropped, nothing is left; removeWhole deletes a folder through the staging area", () =>
  withRoot(async (root) => {
    const s = await createStaging(root, "run_X");
    await Deno.writeTextFile(join(s, "a.txt"), "a");
    await dropStaging(s);
    await dropStaging(s); // twice is fine
    assert.deepEqual(names(join(root, STAGING)), []);
    await Deno.mkdir(join(root, "old", "sub"), { recursive: true });
    await removeWhole(root, "old");
    assert.deepEqual(names(root), [STAGING]);
    assert.deepEqual(names(join(root, STAGING)), []);
    await assert.rejects(removeWhole(root, "old"), Deno.errors.NotFound);
  }));
