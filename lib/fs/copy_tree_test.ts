import assert from "node:assert/strict";
import { join } from "node:path";
import { copyTree, syncTree, treeFiles } from "./copy_tree.ts";

Deno.test("copyTree: regular files by relative path, never an atomic write's temp file or a skipped one", async () => {
  const root = await Deno.makeTempDir();
  try {
    const from = join(root, "from");
    await Deno.mkdir(join(from, "a/b"), { recursive: true });
    await Deno.writeTextFile(join(from, "top.json"), "{}\n");
    await Deno.writeTextFile(join(from, "a/b/deep.txt"), "deep");
    await Deno.writeTextFile(join(from, "a/.5f2c.tmp"), "half");
    await Deno.writeTextFile(join(from, "a/skip.me"), "no");
    const r = await copyTree(from, join(root, "to"), { skip: (rel) => rel.endsWith(".me") });
    assert.deepEqual(r, { files: ["a/b/deep.txt", "top.json"], bytes: 7 });
    assert.deepEqual(await treeFiles(join(root, "to")), ["a/b/deep.txt", "top.json"]);
    assert.equal(await Deno.readTextFile(join(root, "to/a/b/deep.txt")), "deep");
    await syncTree(join(root, "to"));
    assert.deepEqual(await treeFiles(join(root, "missing")), []);
    await assert.rejects(copyTree(from, join(root, "to")), Deno.errors.AlreadyExists);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
