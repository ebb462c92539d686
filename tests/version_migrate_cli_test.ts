// ./tp version and ./tp migrate as black boxes: --help, usage errors, a change refused while a service
// runs, a failed step rolled back (exit 1, the store where it was). The whole deploy and rollback with
// them is tests/deploy_rollback_test.ts.
import assert from "node:assert/strict";
import { join } from "node:path";
import { CREATE_BARS } from "../lib/store/bar_row.ts";
import { openDuckDb } from "../lib/store/duckdb_open.ts";
import { runScript } from "../testing/script_proc.ts";

const cli = (script: string, args: string[], env: Record<string, string> = {}) =>
  runScript(`scripts/${script}.ts`, args, { env: { NO_COLOR: "1", ...env } });

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "tp_version_cli_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("version and migrate: --help exits 0; bad flags, modes and cuts are one line, exit 2", async () => {
  for (const s of ["version", "migrate"]) {
    const h = await cli(s, ["--help"]);
    assert.equal(h.code, 0);
    assert.match(h.stdout, new RegExp(`^Usage: \\./tp ${s} `));
    assert.equal(h.stderr, "");
  }
  const cases: [string, string[], Record<string, string>, string][] = [
    ["migrate", [], {}, "migrate: give one of --status, --up, --down-to N (see --help)\n"],
    ["migrate", ["--status", "--up"], {}, "migrate: give one of --status, --up, --down-to N (see --help)\n"],
    ["migrate", ["--status", "--only", "db"], {}, 'migrate: --only must be store or state, got "db"\n'],
    ["migrate", ["--down-to", "3"], {}, 'migrate: --down-to must be a whole number from 1 to 2, got "3"\n'],
    ["version", ["--bogus"], {}, "version: Unknown option '--bogus' (see --help)\n"],
    [
      "version",
      [],
      { TICKPROOF_SCHEMA_CUT: "store=9" },
      "version: TICKPROOF_SCHEMA_CUT must be store=N and/or state=M (comma-separated) with N in 1..2 and M " +
      'in 1..1, got "store=9"\n',
    ],
  ];
  for (const [s, args, env, stderr] of cases) {
    const r = await cli(s, args, env);
    assert.deepEqual([r.code, r.stderr], [2, stderr], `${s} ${args.join(" ")}`);
  }
});

Deno.test("version --json: the commit and each schema; --data on paths with nothing yet", () =>
  withDir(async (dir) => {
    const r = await cli("version", ["--json", "--data", "--store", join(dir, "f.duckdb")], {
      LIVE_STATE_DIR: join(dir, "live"),
    });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.match(j.commit.commit, /^[0-9a-f]{40}$/);
    assert.equal(j.commit.source, "git");
    assert.equal(j.schemas.store.writes, 2);
    assert.equal(j.schemas.event_log.writes, 1);
    assert.deepEqual(
      [j.data.store.status, j.data.store.version, j.data.event_log.status, j.data.event_log.version],
      ["none", null, "none", null],
    );
    const text = await cli("version", []);
    assert.match(text.stdout, /^tickproof \S+ \(commit [0-9a-f]{40}\)\n/);
    assert.match(text.stdout, /^store schema: version 2 \(reads 1\.\.2; migrations 1->2 reversible\)$/m);
  }));

Deno.test("migrate --up refuses while a service's port answers; a failed step is rolled back, exit 1", () =>
  withDir(async (dir) => {
    const store = join(dir, "f.duckdb");
    const db = await openDuckDb(store, {});
    const con = await db.connect();
    await con.run(CREATE_BARS); // a version 1 store from before versions were recorded
    await con.run(
      "INSERT INTO bars VALUES ('okx', 'ETH-USDT', '1m', 0, 5, 4, 6, 5, 1, 1, 'trades', NULL, NULL, NULL, " +
        "NULL, NULL, NULL, 60000)",
    );
    con.closeSync();
    db.closeSync();
    const args = ["--store", store, "--state-dir", join(dir, "live"), "--feed-port", "1"];
    const holder = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (holder.addr as Deno.NetAddr).port;
    try {
      const busy = await cli("migrate", ["--up", ...args, "--loop-port", String(port)]);
      assert.equal(busy.code, 2);
      assert.match(
        busy.stderr,
        new RegExp(
          `^migrate: refusing to migrate while services run: port ${port} \\(live loop\\) is held by `,
        ),
      );
    } finally {
      holder.close();
    }
    const failed = await cli("migrate", ["--up", ...args, "--loop-port", "2"]);
    assert.equal(failed.code, 1);
    assert.equal(
      failed.stderr,
      "migrate: store migration 1 -> 2 failed and was rolled back (the store is unchanged at 1): 1 stored " +
        "bar(s) break the version 2 rules (o > 0 AND h > 0 AND l > 0 AND c > 0; l <= h; v >= 0; trades >= 0), " +
        "first okx ETH-USDT 1m open_time 0 (o 5 h 4 l 6 c 5 v 1 trades 1); delete or correct them with " +
        "release 1, then start again\n",
    );
    const status = await cli("migrate", ["--status", ...args]);
    assert.equal(status.code, 0);
    assert.match(status.stdout, new RegExp(`^store ${store}: version 1, this release writes 2; pending: 2 `));
  }));
