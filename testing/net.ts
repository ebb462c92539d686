// Test support: free ports on loopback, and stack components as children logging to a file
// (one-shot and piped script runs are testing/script_proc.ts).
import { freePort } from "../lib/http/free_port.ts";
import { type Child, probe, spawnChild } from "../lib/proc/child.ts";
import { pollUntil } from "../lib/async/poll.ts";

export { freePort };

/** Starts `deno run -A <script> ...args` from the repo root, logging to `logFile`. */
export function spawnScript(
  name: string,
  script: string,
  args: string[],
  logFile: string,
  env?: Record<string, string>,
): Promise<Child> {
  return spawnChild({ name, cmd: Deno.execPath(), args: ["run", "-A", script, ...args], env, logFile });
}

/** Waits until `url` answers 2xx, or throws naming the URL. */
export async function waitHttpOk(url: string, timeoutMs = 20_000): Promise<void> {
  const ok = await pollUntil(async () => (await probe(url)) || undefined, timeoutMs, 100);
  if (!ok) throw new Error(`${url} did not answer 2xx within ${timeoutMs} ms`);
}
