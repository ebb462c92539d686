import assert from "node:assert/strict";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic.ts";

Deno.test("writeFileAtomic: replaces whole (durable or not), keeps the mode, leaves no temp file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const p = join(dir, "sub", "state.json");
    await writeFileAtomic(p, "old");
    await writeFileAtomic(p, new TextEncoder().encode("new"), { durable: true, mode: 0o600 });
    assert.equal(await Deno.readTextFile(p), "new");
    if (Deno.build.os !== "windows") assert.equal((await Deno.stat(p)).mode! & 0o777, 0o600);
    const names = [];
    for await (const e of Deno.readDir(join(dir, "sub"))) names.push(e.name);
    assert.deepEqual(names, ["state.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
