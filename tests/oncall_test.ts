// ./tp oncall's command line: help and usage errors. Against the real stack (every check has data,
// table, evidence, criticals, silences, no Alertmanager): tests/operator_stack_test.ts.
import assert from "node:assert/strict";
import { join } from "node:path";
import { runScript } from "../testing/script_proc.ts";

const cli = (args: string[]) => runScript("scripts/oncall.ts", args);

async function onlyDir(root: string, prefix: string): Promise<string[]> {
  const out = [];
  for await (const e of Deno.readDir(root)) if (e.isDirectory && e.name.startsWith(prefix)) out.push(e.name);
  return out.sort();
}

Deno.test("oncall CLI: --help is 0, a bad flag and a bad config are 2", async () => {
  const help = await cli(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: \.\/tp oncall/);
  const bad = await cli(["--nope"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^oncall: Unknown option '--nope'/);
  const tmp = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(tmp, "c.json"), JSON.stringify({ jobs: [] }));
    const badCfg = await cli(["--config", join(tmp, "c.json"), "--out-root", tmp]);
    assert.equal(badCfg.code, 2);
    assert.match(badCfg.stderr, /^oncall: Invalid .*c\.json: jobs: /);
    assert.deepEqual(await onlyDir(tmp, "oncall_"), []);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
