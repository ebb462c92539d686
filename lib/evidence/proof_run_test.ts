import assert from "node:assert/strict";
import { proofRun } from "./proof_run.ts";

Deno.test("proofRun: the proof's root, command (else the task name) and args, plus what the caller adds", () => {
  const now = () => 1;
  assert.deepEqual(
    proofRun({ evidenceRoot: "/r", args: ["--x"] }, "oncall", { now, configFiles: ["c.json"] }),
    {
      root: "/r",
      command: "oncall",
      args: ["--x"],
      now,
      configFiles: ["c.json"],
    },
  );
  assert.deepEqual(proofRun({ command: "verify-x" }, "verify"), {
    root: undefined,
    command: "verify-x",
    args: undefined,
  });
});
