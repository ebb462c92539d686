// Test support: `./tp <task>` in its own process group (setsid), as a terminal runs it, so a test
// can send a signal to the whole group the way Ctrl-C does (kill -INT -PGID).
import { fileURLToPath } from "node:url";
import { pollUntil } from "../lib/async/poll.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface GroupTask {
  /** Process id of the group leader, which is also the group id. */
  readonly pgid: number;
  /** Everything written so far to stdout and stderr. */
  output(): { stdout: string; stderr: string };
  /** Waits until stdout+stderr match, or throws naming what was awaited and the output so far. */
  waitFor(what: string, re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends the signal to every process in the group. */
  signalGroup(sig: Deno.Signal): void;
  readonly status: Promise<Deno.CommandStatus>;
}

/** Starts `setsid ./tp <task> ...args` from the repo root; env adds to the test's environment. */
export function startGroupTask(task: string, args: string[], env: Record<string, string> = {}): GroupTask {
  const proc = new Deno.Command("setsid", {
    args: [`${ROOT}tp`, task, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = { stdout: "", stderr: "" };
  const pump = async (s: ReadableStream<Uint8Array>, key: "stdout" | "stderr") => {
    for await (const chunk of s.pipeThrough(new TextDecoderStream())) out[key] += chunk;
  };
  const pumps = Promise.all([pump(proc.stdout, "stdout"), pump(proc.stderr, "stderr")]);
  const status = proc.status.then(async (s) => {
    await pumps;
    return s;
  });
  return {
    pgid: proc.pid,
    output: () => ({ ...out }),
    async waitFor(what, re, timeoutMs = 60_000) {
      const m = await pollUntil(
        () => Promise.resolve((out.stdout + out.stderr).match(re) ?? undefined),
        timeoutMs,
        50,
      );
      if (!m) {
        throw new Error(
          `./tp ${task}: no ${what} within ${timeoutMs} ms; output:\n${out.stdout}${out.stderr}`,
        );
      }
      return m;
    },
    signalGroup(sig) {
      Deno.kill(-proc.pid, sig);
    },
    status,
  };
}
