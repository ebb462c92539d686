// testing/bounded_output.ts: a one-shot child that hangs fails the test, naming the command, and
// is killed; one that exits returns its output.
import assert from "node:assert/strict";
import { outputWithin } from "../testing/bounded_output.ts";

Deno.test("outputWithin returns a finished child's output and feeds stdin", async () => {
  const out = await outputWithin("cat", {}, 60_000, "hello\n");
  assert.deepEqual([out.code, new TextDecoder().decode(out.stdout)], [0, "hello\n"]);
});

Deno.test("outputWithin kills a child that outlives the deadline and says what hung", async () => {
  await assert.rejects(
    outputWithin("sleep", { args: ["600"] }, 200),
    /timed out after 200 ms waiting for sleep 600 to exit/,
  );
});
