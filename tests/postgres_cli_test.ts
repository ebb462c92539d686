// ./tp postgres as an operator runs it: the URL on stdout, a password only there, Ctrl-C (SIGINT to
// the whole process group, the server's processes included) stops it cleanly and removes its folder.
import assert from "node:assert/strict";
import { withDeadline } from "../lib/async/poll.ts";
import { openPgPool } from "../lib/store/pg_client.ts";
import { startGroupTask } from "../testing/group_task.ts";
import { runScript } from "../testing/script_proc.ts";

Deno.test("./tp postgres: prints a working URL, hides its password elsewhere, Ctrl-C stops and removes it", async () => {
  const parent = await Deno.makeTempDir({ prefix: "postgres_cli_" });
  await Deno.chmod(parent, 0o755); // the postgres system user must reach the cluster's folder
  const task = startGroupTask("postgres", ["--parent-dir", parent]);
  try {
    const url = (await task.waitFor("the URL line", /^(postgres:\/\/\S+)\n/m, 120_000))[1];
    await task.waitFor("the ready line", /postgres ready at/);
    const pool = openPgPool(url, { max: 1 });
    try {
      assert.deepEqual((await pool.query("SELECT 1 AS one")).rows, [{ one: 1 }]);
    } finally {
      await pool.close();
    }
    assert.equal([...Deno.readDirSync(parent)].length, 1, "one throwaway folder while it runs");
    task.signalGroup("SIGINT");
    const st = await withDeadline("./tp postgres to exit after SIGINT", task.status, 60_000);
    const out = task.output();
    assert.equal(st.code, 0, out.stderr);
    assert.equal(out.stdout, `${url}\n`);
    assert.match(out.stderr, /postgres ready at postgres:\/\/tickproof:\*\*\*@127\.0\.0\.1:\d+\/postgres /);
    assert.match(out.stderr, /postgres stopped, folder removed\n$/);
    assert.ok(!out.stderr.includes(new URL(url).password), "the password is on stderr");
    assert.deepEqual([...Deno.readDirSync(parent)], [], "the throwaway folder is gone");
  } finally {
    try {
      task.signalGroup("SIGKILL");
    } catch { /* already gone */ }
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("./tp postgres: a bad flag value is one line and exit 2", async () => {
  const r = await runScript("scripts/postgres.ts", ["--port", "x"], { timeoutMs: 60_000 });
  assert.deepEqual([r.code, r.stdout, r.stderr], [
    2,
    "",
    'postgres: --port must be a whole number from 0 to 65535, got "x"\n',
  ]);
});
