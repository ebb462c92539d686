// Test support: runs the real OpenSSH `ssh-keygen` (the tool a third party checks evidence with).
import { outputWithin } from "./bounded_output.ts";

export interface KeygenResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `ssh-keygen args...` in `cwd`, `input` on stdin; never prompts (stdin is closed or given). */
export async function sshKeygen(cwd: string, args: string[], input?: string): Promise<KeygenResult> {
  const r = await outputWithin("ssh-keygen", { args, cwd }, undefined, input);
  const dec = new TextDecoder();
  return { code: r.code, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
}

/** A fresh key made by ssh-keygen itself: `<dir>/<name>` and `<dir>/<name>.pub`. */
export async function keygenKey(dir: string, name: string, opts: { type?: string; pass?: string } = {}) {
  const r = await sshKeygen(dir, [
    "-q",
    "-t",
    opts.type ?? "ed25519",
    "-N",
    opts.pass ?? "",
    "-C",
    name,
    "-f",
    name,
  ]);
  if (r.code !== 0) throw new Error(`ssh-keygen could not make ${name}: ${r.stderr}`);
}

/** Runs `fn` in a fresh temp dir (keys, signatures, allowed_signers) and removes it afterwards. */
export async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "tp_ssh_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
