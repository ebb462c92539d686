import assert from "node:assert/strict";
import { asUser, majorsNewestFirst, passwdUser } from "./pg_bins.ts";

Deno.test("majorsNewestFirst: numeric folder names only, newest first (16 before 9)", () => {
  assert.deepEqual(majorsNewestFirst(["9", "15", "16", "common", "15.x"]), ["16", "15", "9"]);
  assert.deepEqual(majorsNewestFirst([]), []);
});

Deno.test("passwdUser reads uid and gid of the named user, null when absent", () => {
  const passwd =
    "root:x:0:0:root:/root:/bin/bash\npostgres:x:101:104:PostgreSQL administrator,,,:/var/lib/postgresql:/bin/bash\n";
  assert.deepEqual(passwdUser(passwd, "postgres"), { name: "postgres", uid: 101, gid: 104 });
  assert.equal(passwdUser(passwd, "postgre"), null);
  assert.equal(passwdUser("", "postgres"), null);
});

Deno.test("asUser: runuser for another user, the command itself for ourselves", () => {
  const pg = { name: "postgres", uid: 101, gid: 104 };
  assert.deepEqual(asUser(pg, "/usr/lib/postgresql/15/bin/initdb", ["-D", "d"]), {
    cmd: "runuser",
    args: ["-u", "postgres", "--", "/usr/lib/postgresql/15/bin/initdb", "-D", "d"],
  });
  assert.deepEqual(asUser(null, "initdb", ["-D", "d"]), { cmd: "initdb", args: ["-D", "d"] });
});
