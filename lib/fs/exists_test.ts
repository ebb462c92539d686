import assert from "node:assert/strict";
import { exists, isDir, isFile } from "./exists.ts";

Deno.test("exists/isDir/isFile: a file, a dir, a link, nothing, a path through a file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/f`, "x");
    await Deno.symlink(`${dir}/gone`, `${dir}/link`);
    assert.deepEqual(
      await Promise.all([`${dir}/f`, dir, `${dir}/link`, `${dir}/none`].map(exists)),
      [true, true, true, false],
    );
    assert.deepEqual(await Promise.all([`${dir}/f`, dir, `${dir}/none`].map(isDir)), [false, true, false]);
    await Deno.symlink(`${dir}/f`, `${dir}/to_f`);
    assert.deepEqual(
      await Promise.all([`${dir}/f`, dir, `${dir}/to_f`, `${dir}/none`, `${dir}/f/x`].map(isFile)),
      [true, false, false, false, false],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
