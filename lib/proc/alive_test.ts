import assert from "node:assert/strict";
import { processAlive } from "./alive.ts";

Deno.test("processAlive: this process runs; a child that exited does not", async () => {
  if (await processAlive(Deno.pid) === null) return; // no /proc here: nothing to assert
  assert.equal(await processAlive(Deno.pid), true);
  const child = new Deno.Command("true").spawn();
  await child.status;
  assert.equal(await processAlive(child.pid), false);
});
