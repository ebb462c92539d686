// The throwaway PostgreSQL: a real server on a free loopback port, password auth, stopped and removed.
import assert from "node:assert/strict";
import { exists } from "../fs/exists.ts";
import { PortBusyError } from "../util/errors.ts";
import { openPgPool, pgErrorOf } from "./pg_client.ts";
import { PG_SUPERUSER, startPostgres } from "./pg_server.ts";

Deno.test("startPostgres: ready on 127.0.0.1 with a password in the URL only; stop removes everything", async () => {
  const parent = await Deno.makeTempDir({ prefix: "pg_server_test_" });
  await Deno.chmod(parent, 0o755); // the postgres system user must reach the cluster's folder
  try {
    const pg = await startPostgres({ parentDir: parent });
    const password = new URL(pg.url).password;
    try {
      assert.match(
        pg.url,
        new RegExp(`^postgres://${PG_SUPERUSER}:[0-9a-f]{48}@127\\.0\\.0\\.1:${pg.port}/postgres$`),
      );
      assert.equal(pg.safeUrl, `postgres://${PG_SUPERUSER}:***@127.0.0.1:${pg.port}/postgres`);
      const pool = openPgPool(pg.url, { max: 1 });
      try {
        const r = await pool.query("SELECT current_user AS u, current_setting('listen_addresses') AS l");
        assert.deepEqual(r.rows[0], { u: PG_SUPERUSER, l: "127.0.0.1" });
      } finally {
        await pool.close();
      }
      // Not trust auth: a wrong password is refused.
      const wrong = openPgPool(pg.url.replace(password, "nope"), { max: 1 });
      try {
        await assert.rejects(wrong.query("SELECT 1"), (err) => pgErrorOf(err)?.code === "28P01");
      } finally {
        await wrong.close();
      }
      assert.doesNotMatch(await Deno.readTextFile(pg.logFile), new RegExp(password));
      assert.ok(pg.dir.startsWith(parent));
    } finally {
      await pg.stop();
      await pg.stop(); // twice is fine
    }
    assert.equal(await exists(pg.dir), false);
    await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port: pg.port }));
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("startPostgres: a busy port is PortBusyError before anything is made", async () => {
  const parent = await Deno.makeTempDir({ prefix: "pg_server_busy_" });
  const holder = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (holder.addr as Deno.NetAddr).port;
    await assert.rejects(startPostgres({ port, parentDir: parent }), PortBusyError);
    assert.deepEqual([...Deno.readDirSync(parent)], []);
  } finally {
    holder.close();
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test({
  name: "startPostgres as root: a folder the postgres user cannot reach is one clear error, nothing left",
  ignore: Deno.uid() !== 0,
  fn: async () => {
    const parent = await Deno.makeTempDir({ prefix: "pg_server_closed_" }); // 0700, root's
    try {
      await assert.rejects(
        startPostgres({ parentDir: parent }),
        /the postgres system user cannot reach .* such as \/tmp/,
      );
      assert.deepEqual([...Deno.readDirSync(parent)], []);
    } finally {
      await Deno.remove(parent, { recursive: true });
    }
  },
});
