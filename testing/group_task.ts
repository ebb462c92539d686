// Test support: `./tp <task>` in its own process group (setsid), as a terminal runs it, so a test
// can send a signal to the whole group the way Ctrl-C does (kill -INT -PGID).
import { fileURLToPath } from "node:url";
import { startProc } from "./script_proc.ts";

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
  const p = startProc("setsid", [`${ROOT}tp`, task, ...args], { cwd: ROOT, env: { NO_COLOR: "1", ...env } });
  return {
    pgid: p.pid,
    output: () => ({ stdout: p.text("stdout"), stderr: p.text("stderr") }),
    waitFor: (what, re, timeoutMs = 60_000) => p.waitFor("output", `./tp ${task}: ${what}`, re, timeoutMs),
    signalGroup(sig) {
      Deno.kill(-p.pid, sig);
    },
    status: p.status,
  };
}
