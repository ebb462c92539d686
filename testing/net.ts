// Test support: free ports on loopback and project scripts as child processes.
import { freePort } from "../lib/http/free_port.ts";
import { type Child, probe, spawnChild } from "../lib/proc/child.ts";
import { pollUntil } from "../lib/async/poll.ts";
import { outputWithin } from "./bounded_output.ts";

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

/** Runs a project script to completion (killed after 10 min: some are whole proofs) and returns its exit code and output. */
export async function runScript(script: string, args: string[], env?: Record<string, string>) {
  const out = await outputWithin(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }, 600_000);
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
