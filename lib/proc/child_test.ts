// A running child's output reaches its log file as it is written, not when the child exits: an
// operator tails it, and proofs read it while the component runs.
import assert from "node:assert/strict";
import { pollUntil } from "../async/poll.ts";
import { spawnChild } from "./child.ts";

Deno.test("spawnChild: stdout and stderr reach the log file while the child still runs", async () => {
  const dir = await Deno.makeTempDir();
  const logFile = `${dir}/child.log`;
  const child = await spawnChild({
    name: "talker",
    cmd: "bash",
    args: ["-c", "echo out-line; echo err-line >&2; exec sleep 600"],
    logFile,
  });
  try {
    const text = await pollUntil(
      async () => {
        const t = await Deno.readTextFile(logFile);
        return t.includes("out-line") && t.includes("err-line") ? t : undefined;
      },
      10_000,
      50,
    );
    assert.ok(text !== undefined, "both lines reach the log within 10 s");
    assert.deepEqual(text.split("\n").filter(Boolean).sort(), ["err-line", "out-line"]);
  } finally {
    const s = await child.stop(5_000);
    assert.equal(s.signal, "SIGTERM", "it was still running when its lines were read");
    await Deno.remove(dir, { recursive: true });
  }
});
