// What `./tp <task> --help` prints, for tests that hold commands written elsewhere (runbooks, the
// compose file) to the flags the task really takes.
import { runScript } from "./script_proc.ts";

/** A task's entry point (the script its deno.json command runs). */
export async function taskScripts(): Promise<Map<string, string>> {
  const tasks: Record<string, string> = JSON.parse(await Deno.readTextFile("deno.json")).tasks;
  return new Map(
    Object.entries(tasks).map(([t, cmd]) => [t, cmd.split(/\s+/).findLast((w) => w.endsWith(".ts"))!]),
  );
}

/** Each task's --help as it prints it (help texts are assembled from parts: the source is not enough). */
export async function taskHelps(tasks: Iterable<string>): Promise<Map<string, string>> {
  const scripts = await taskScripts();
  const helps = new Map<string, string>();
  for (const task of new Set(tasks)) {
    const script = scripts.get(task);
    if (!script) throw new Error(`${task} is not a task in deno.json`);
    const r = await runScript(script, ["--help"], { env: { NO_COLOR: "1" }, timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`./tp ${task} --help exited ${r.code}: ${r.stderr}`);
    helps.set(task, r.stdout);
  }
  return helps;
}

/** Whether `help` lists `flag` as an option (at a line's start or after a separator, whole word). */
export const helpHasFlag = (help: string, flag: string) =>
  new RegExp(`(^|[\\s,\\[(])${flag}\\b`, "m").test(help);
