import assert from "node:assert/strict";
import { which } from "./which.ts";

Deno.test("which: the first executable on PATH; a plain file or a missing name is null", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/tool`, "#!/bin/sh\n");
    await Deno.writeTextFile(`${dir}/plain`, "");
    await Deno.chmod(`${dir}/tool`, 0o755);
    await Deno.mkdir(`${dir}/b`);
    await Deno.writeTextFile(`${dir}/b/tool`, "#!/bin/sh\n");
    await Deno.chmod(`${dir}/b/tool`, 0o755);
    assert.equal(await which("tool", `/nonexistent::${dir}:${dir}/b`), `${dir}/tool`);
    assert.equal(await which("plain", dir), null);
    assert.equal(await which("missing", dir), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
