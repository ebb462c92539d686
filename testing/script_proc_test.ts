// The child-process helper against tiny real `deno eval` scripts: exit codes, both streams, stdin,
// waiting for a line, SIGTERM with the output collected, deadlines that name what was awaited.
import assert from "node:assert/strict";
import { runDeno, startDeno } from "./script_proc.ts";

Deno.test("runDeno: exit code and both streams of a finished child; stdin is fed and closed", async () => {
  const r = await runDeno([
    "eval",
    "const t = await new Response(Deno.stdin.readable).text(); console.log(t.toUpperCase()); console.error('e'); Deno.exit(3)",
  ], { input: "hi" });
  assert.deepEqual(r, { code: 3, signal: null, stdout: "HI\n", stderr: "e\n" });
});

Deno.test("runDeno: env reaches the child; a child past its deadline is killed and named", async () => {
  const env = await runDeno(["eval", "console.log(Deno.env.get('PROBE_X'))"], { env: { PROBE_X: "42" } });
  assert.equal(env.stdout, "42\n");
  await assert.rejects(
    runDeno(["eval", "setTimeout(() => {}, 600_000)"], { timeoutMs: 300 }),
    /timed out after 300 ms waiting for .* to exit/,
  );
});

// Ready only once the SIGTERM listener is in place, so the stop never races the start.
const SERVER = `
Deno.addSignalListener("SIGTERM", () => { console.log("stopping"); console.error("bye"); Deno.exit(0); });
setInterval(() => {}, 1000);
console.log("ready on 7");
`;

Deno.test("startDeno: wait for a line, then SIGTERM collects the exit and the rest of the output", async () => {
  const p = startDeno(["eval", SERVER]);
  try {
    const m = await p.waitFor("stdout", "the ready line", /ready on (\d+)/);
    assert.equal(m[1], "7");
    const done = await p.stop();
    assert.deepEqual(done, { code: 0, signal: null, stdout: "ready on 7\nstopping\n", stderr: "bye\n" });
  } finally {
    await p.close();
  }
});

Deno.test("startDeno: a child that exits before the line, or a line that never comes, fails naming it", async () => {
  const early = startDeno(["eval", "console.log('only this')"]);
  try {
    await assert.rejects(
      early.waitFor("stdout", "the ready line", /ready/),
      /exited before the ready line.*only this/,
    );
    assert.equal((await early.finished()).code, 0);
  } finally {
    await early.close();
  }
  const silent = startDeno(["eval", "console.log('up'); setInterval(() => {}, 1000)"]);
  try {
    await silent.waitFor("stdout", "up", (t) => t.includes("up\n") || undefined);
    await assert.rejects(
      silent.waitFor("stderr", "an error line", /error/, 200),
      /timed out after 200 ms waiting for an error line; stderr so far: ""/,
    );
    const killed = await silent.stop("SIGKILL");
    assert.equal(killed.signal, "SIGKILL");
  } finally {
    await silent.close();
  }
});

Deno.test("startDeno: a child that outlives finished()'s deadline is killed; 'output' waits on either stream", async () => {
  const p = startDeno(["eval", "console.error('on stderr'); setInterval(() => {}, 1000)"]);
  try {
    await p.waitFor("output", "the stderr line", /on stderr/);
    await assert.rejects(p.finished(200), /timed out after 200 ms waiting for .* to exit/);
    assert.equal((await p.status).signal, "SIGKILL");
  } finally {
    await p.close();
  }
});
