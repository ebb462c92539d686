import assert from "node:assert/strict";
import { exists, isDir } from "./exists.ts";

Deno.test("exists/isDir: a file, a dir, a dangling link, nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/f`, "x");
    await Deno.symlink(`${dir}/gone`, `${dir}/link`);
    assert.deepEqual(
      await Promise.all([`${dir}/f`, dir, `${dir}/link`, `${dir}/none`].map(exists)),
      [true, true, true, false],
    );
    assert.deepEqual(await Promise.all([`${dir}/f`, dir, `${dir}/none`].map(isDir)), [false, true, false]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
