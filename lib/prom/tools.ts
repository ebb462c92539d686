// Locating the system's Prometheus tools; a missing one is an environment error (exit 2).
import { which } from "../proc/which.ts";
import { ToolMissingError } from "../util/errors.ts";

export async function findTool(name: string): Promise<string> {
  const found = await which(name);
  if (found !== null) return found;
  throw new ToolMissingError(
    `${name} is not installed: run ./tp prom (it installs Prometheus from the system packages) or apt-get install prometheus prometheus-alertmanager prometheus-node-exporter`,
  );
}

export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runTool(name: string, args: string[], stdin?: string): Promise<ToolRun> {
  const cmd = new Deno.Command(await findTool(name), {
    args,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = cmd.spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** `promtool check config FILE`; throws with promtool's own words on failure. */
export async function promtoolCheckConfig(file: string): Promise<void> {
  const r = await runTool("promtool", ["check", "config", file]);
  if (r.code !== 0) {
    throw new TypeError(`promtool check config ${file} failed: ${(r.stderr || r.stdout).trim()}`);
  }
}
