// Test support: a one-shot child process whose output a test awaits, with a deadline. A child that
// hangs is killed and the test fails naming the command, instead of the suite hanging on it.
import { withDeadline } from "../lib/async/poll.ts";

/** Default: generous for a `deno run` cold start on a loaded 2-core machine; only a hang passes it. */
export const CHILD_DEADLINE_MS = 300_000;

/**
 * `new Deno.Command(cmd, opts).output()` with a deadline (stdout/stderr piped, stdin null unless
 * given); `input` is written to stdin (which is then piped) and closed.
 */
export async function outputWithin(
  cmd: string | URL,
  opts: Deno.CommandOptions,
  timeoutMs = CHILD_DEADLINE_MS,
  input?: string,
): Promise<Deno.CommandOutput> {
  const child = new Deno.Command(cmd, {
    stdout: "piped",
    stderr: "piped",
    ...opts,
    stdin: input === undefined ? opts.stdin ?? "null" : "piped",
  }).spawn();
  const what = `${String(cmd)} ${(opts.args ?? []).join(" ")} to exit`;
  try {
    if (input !== undefined) {
      const w = child.stdin.getWriter();
      await w.write(new TextEncoder().encode(input));
      await w.close();
    }
    return await withDeadline(what, child.output(), timeoutMs);
  } catch (err) {
    try {
      child.kill("SIGKILL");
    } catch { /* already exited */ }
    throw err;
  }
}
