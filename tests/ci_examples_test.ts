// The example CI workflows in ci/ are checked like the runbooks: they parse as YAML, run the proof,
// re-check its evidence, keep the folder, publish the JUnit report, and every command they run exists
// (a ./tp task in deno.json, an evidence subcommand, a shell builtin or a program on PATH).
import assert from "node:assert/strict";
import { parse } from "yaml";
import { EVIDENCE_SUBCOMMANDS } from "../scripts/evidence.ts";

const TASKS = new Set(Object.keys(JSON.parse(await Deno.readTextFile("deno.json")).tasks));
const BUILTINS = new Set(["set", "echo", "test", "cd", "export", "exit", "true", "false", "["]);

/** The simple commands of a shell script: split on ; && || | and newlines, $( ... ) bodies included. */
export function simpleCommands(script: string): string[] {
  const inner = [...script.matchAll(/\$\(([^()]*)\)/g)].map((m) => m[1]);
  const outer = script.replace(/\$\(([^()]*)\)/g, "SUBST");
  return [outer, ...inner]
    .flatMap((s) => s.split(/\n|;|&&|\|\||\|/))
    .map((c) => c.trim().replace(/^(\w+=\S*\s+)+/, ""))
    .filter((c) => c !== "" && !c.startsWith("#"));
}

async function onPath(cmd: string): Promise<boolean> {
  const r = await new Deno.Command("bash", { args: ["-c", `command -v -- "${cmd}"`], stdout: "null" })
    .output();
  return r.success;
}

async function checkCommands(file: string, scripts: string[]): Promise<string[]> {
  const seen: string[] = [];
  for (const c of scripts.flatMap(simpleCommands)) {
    const words = c.split(/\s+/);
    seen.push(c);
    if (words[0] === "./tp") {
      assert.ok(TASKS.has(words[1]), `${file}: ./tp ${words[1]} is not a task in deno.json`);
      if (words[1] === "evidence") {
        assert.ok(
          EVIDENCE_SUBCOMMANDS.includes(words[2]),
          `${file}: ./tp evidence ${words[2]} does not exist`,
        );
      }
    } else if (!BUILTINS.has(words[0])) {
      assert.ok(await onPath(words[0]), `${file}: "${words[0]}" (in: ${c}) is neither a builtin nor on PATH`);
    }
  }
  return seen;
}

Deno.test("ci/github-actions.yml: proof, offline re-check, artifact, JUnit, gate on the exit code", async () => {
  const file = "ci/github-actions.yml";
  const wf = parse(await Deno.readTextFile(file));
  const steps: { run?: string; uses?: string; with?: Record<string, string> }[] = wf.jobs.verify.steps;
  const runs = steps.flatMap((s) => (s.run ? [s.run] : []));
  const seen = await checkCommands(file, runs);
  assert.ok(seen.includes("./tp verify"));
  assert.ok(seen.some((c) => c.startsWith("./tp evidence check")));
  const junit = steps.find((s) => s.uses?.startsWith("mikepenz/action-junit-report"));
  assert.equal(junit?.with?.report_paths, ".local_tmp/ai_live_local_verify_*/gates.junit.xml");
  assert.equal(steps.find((s) => s.uses?.startsWith("actions/upload-artifact"))?.with?.path, ".local_tmp/");
  assert.match(runs.at(-1)!, /test "\$\{\{ steps\.verify\.outputs\.rc \}\}" = 0/);
});

Deno.test("ci/gitlab-ci.yml: proof, offline re-check, artifacts always, JUnit report", async () => {
  const file = "ci/gitlab-ci.yml";
  const job = parse(await Deno.readTextFile(file))["tickproof-verify"];
  const seen = await checkCommands(file, [...job.before_script, ...job.script]);
  assert.deepEqual(job.script.slice(0, 1), ["./tp verify"]);
  assert.ok(seen.some((c) => c.startsWith("./tp evidence check")));
  assert.equal(job.artifacts.when, "always");
  assert.deepEqual(job.artifacts.paths, [".local_tmp/"]);
  assert.equal(job.artifacts.reports.junit, ".local_tmp/ai_live_local_verify_*/gates.junit.xml");
});

Deno.test("simpleCommands splits pipelines, lists and command substitutions", () => {
  assert.deepEqual(simpleCommands('set +e\nA=1 ./tp verify && echo "dir=$(ls -d x | tail -n 1)"'), [
    "set +e",
    "./tp verify",
    'echo "dir=SUBST"',
    "ls -d x",
    "tail -n 1",
  ]);
});
