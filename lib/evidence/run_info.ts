// run.json: what ran, when, with which versions and (redacted) effective config.
import { redact } from "./redact.ts";

export interface RunInfo {
  command: string;
  args: string[];
  started_at: string;
  ended_at: string;
  versions: Record<string, string>;
  config: unknown;
}

/** First line of `<cmd> --version` (run in `cwd`, default this process's), or "unavailable". */
export async function toolVersion(cmd: string, args = ["--version"], cwd?: string): Promise<string> {
  try {
    const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
    const text = new TextDecoder().decode(out.stdout.length ? out.stdout : out.stderr);
    return text.split("\n")[0].trim() || "unavailable";
  } catch {
    return "unavailable";
  }
}

export async function projectCommit(): Promise<string> {
  const v = await toolVersion("git", ["rev-parse", "--short=12", "HEAD"]);
  return /^[0-9a-f]{7,40}$/.test(v) ? v : "unknown";
}

export async function collectVersions(): Promise<Record<string, string>> {
  return {
    deno: Deno.version.deno,
    typescript: Deno.version.typescript,
    prometheus: await toolVersion("prometheus"),
    project_commit: await projectCommit(),
  };
}

export function runInfo(
  command: string,
  args: string[],
  startedMs: number,
  endedMs: number,
  versions: Record<string, string>,
  config: unknown,
): RunInfo {
  return {
    command,
    args: args.map((a) => String(redact(a))),
    started_at: new Date(startedMs).toISOString(),
    ended_at: new Date(endedMs).toISOString(),
    versions,
    config: redact(config),
  };
}
