import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { releaseCommit } from "./commit.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

Deno.test("releaseCommit: this checkout's HEAD and its describe name", async () => {
  const c = await releaseCommit(ROOT, undefined);
  assert.equal(c.source, "git");
  assert.match(c.commit, /^[0-9a-f]{40}$/);
  const out = await new Deno.Command("git", { args: ["rev-parse", "HEAD"], cwd: ROOT }).output();
  assert.equal(c.commit, new TextDecoder().decode(out.stdout).trim());
  assert.ok(c.describe.length > 0 && !/\s/.test(c.describe), c.describe);
});

Deno.test("releaseCommit: outside a git checkout, TICKPROOF_COMMIT when it is a commit, else unknown", async () => {
  const dir = await Deno.makeTempDir({ prefix: "release_commit_" });
  try {
    assert.deepEqual(await releaseCommit(dir, undefined), {
      commit: "unknown",
      describe: "unknown",
      source: "none",
    });
    assert.deepEqual(await releaseCommit(dir, "not a commit"), {
      commit: "unknown",
      describe: "unknown",
      source: "none",
    });
    const sha = "0123456789abcdef0123456789abcdef01234567";
    assert.deepEqual(await releaseCommit(dir, sha), {
      commit: sha,
      describe: sha.slice(0, 12),
      source: "env",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
