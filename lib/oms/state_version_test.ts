// The state dir's version marker on real folders: a new or unmarked dir becomes version 1, a step's
// files are in place before its marker (a crash between runs it again), a newer dir is refused, a
// down-migration gives the old files back. This release has no state dir step yet, so the steps here
// are the test's own, handed in as a registry the way a release carries one.
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeFileAtomic } from "../fs/atomic.ts";
import { SchemaTooNewError } from "../util/errors.ts";
import { cutAt, type Registry } from "../util/schema_plan.ts";
import {
  migrateStateDown,
  prepareStateDir,
  readStateVersion,
  STATE_MIGRATIONS,
  STATE_VERSION_FILE,
} from "./state_version.ts";

/** Step 2 of a made-up release: the kill switch file moves to a new name (new file written, old removed). */
const MOVE: Registry<string> = {
  name: "state dir",
  migrations: [{
    to: 2,
    reason: "kill switch renamed",
    up: async (dir) => {
      const old = join(dir, "kill_switch.json");
      const text = await Deno.readTextFile(old).catch(() => null);
      if (text !== null) {
        await writeFileAtomic(join(dir, "halt.json"), text, { durable: true });
        await Deno.remove(old);
      }
    },
    down: async (dir) => {
      const text = await Deno.readTextFile(join(dir, "halt.json"));
      await writeFileAtomic(join(dir, "kill_switch.json"), text, { durable: true });
      await Deno.remove(join(dir, "halt.json"));
    },
  }],
};

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "state_version_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const names = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

Deno.test("this release's state dir is version 1 (no steps yet)", () => {
  assert.deepEqual(STATE_MIGRATIONS.migrations, []);
});

Deno.test("a new dir is marked at start; a reader changes nothing; a missing dir is new", () =>
  withDir(async (root) => {
    const dir = join(root, "live");
    assert.deepEqual(await readStateVersion(dir), { version: null, marked: false, history: [] });
    assert.equal((await prepareStateDir(dir, { migrate: false })).version, null);
    await assert.rejects(Deno.stat(dir), Deno.errors.NotFound);
    const v = await prepareStateDir(dir, { migrate: true, now: () => 5 });
    assert.deepEqual(v, {
      version: 1,
      marked: true,
      history: [{ from: 0, to: 1, atMs: 5, reason: "new state dir", down: false }],
    });
    assert.deepEqual(await readStateVersion(dir), v);
    assert.deepEqual(names(dir), [STATE_VERSION_FILE]);
  }));

Deno.test("an unmarked dir with loop files is version 1; the start marks it and runs the steps", () =>
  withDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "kill_switch.json"), '{"state":"ACTIVE","events":[]}\n');
    assert.deepEqual(await readStateVersion(dir), { version: 1, marked: false, history: [] });
    const v = await prepareStateDir(dir, { registry: MOVE, migrate: true, now: () => 6 });
    assert.deepEqual(v.history, [
      { from: 0, to: 1, atMs: 6, reason: "state dir from before schema versions", down: false },
      { from: 1, to: 2, atMs: 6, reason: "kill switch renamed", down: true },
    ]);
    assert.deepEqual(names(dir), ["halt.json", STATE_VERSION_FILE]);
    // Release 1 refuses it, naming the way back; nothing changes.
    await assert.rejects(
      prepareStateDir(dir, { registry: cutAt(MOVE, 1), migrate: true }),
      (e) =>
        e instanceof SchemaTooNewError &&
        e.message === `live state dir ${dir} is at schema version 2, newer than this release reads (1): ` +
            "refusing to start; the release that upgraded it recorded a down-migration: with that release " +
            "checked out, stop the services and run ./tp migrate --down-to 1 --only state, then start this one",
    );
    assert.equal((await readStateVersion(dir)).version, 2);
    const down = await migrateStateDown(dir, 1, { registry: MOVE, now: () => 8 });
    assert.equal(down.version, 1);
    assert.deepEqual(names(dir), ["kill_switch.json", STATE_VERSION_FILE]);
    assert.equal(await Deno.readTextFile(join(dir, "kill_switch.json")), '{"state":"ACTIVE","events":[]}\n');
    assert.equal((await prepareStateDir(dir, { registry: cutAt(MOVE, 1), migrate: true })).version, 1);
  }));

Deno.test("a crash after a step's files but before its marker: the next start runs the step again", () =>
  withDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "kill_switch.json"), "{}\n");
    await prepareStateDir(dir, { migrate: true }); // marked at 1 by this release
    await MOVE.migrations[0].up(dir); // the step's files in place, then the process died
    assert.equal((await readStateVersion(dir)).version, 1);
    const v = await prepareStateDir(dir, { registry: MOVE, migrate: true });
    assert.equal(v.version, 2);
    assert.deepEqual(names(dir), ["halt.json", STATE_VERSION_FILE]);
  }));

Deno.test("a marker that is not one is an error, never a guess", () =>
  withDir(async (dir) => {
    await Deno.writeTextFile(join(dir, STATE_VERSION_FILE), "{not json");
    await assert.rejects(prepareStateDir(dir, { migrate: true }), /state_version\.json: not JSON/);
    await Deno.writeTextFile(
      join(dir, STATE_VERSION_FILE),
      '{"version":2,"history":[{"from":0,"to":1,"atMs":1,"reason":"x","down":false}]}',
    );
    await assert.rejects(
      readStateVersion(dir),
      /state_version\.json: \(file\) version is not the last step's; not a version marker/,
    );
  }));

Deno.test("a step without a down-migration is refused by --down-to", () =>
  withDir(async (dir) => {
    const oneWay = { name: "state dir", migrations: [{ ...MOVE.migrations[0], down: undefined }] };
    await prepareStateDir(dir, { registry: oneWay, migrate: true });
    await assert.rejects(
      migrateStateDown(dir, 1, { registry: oneWay }),
      /state dir step 1 -> 2 has no down-migration: restore the backup taken before the upgrade/,
    );
    // Release 1 then says no down-migration was recorded.
    await assert.rejects(prepareStateDir(dir, { migrate: false }), /no down-migration was recorded for it/);
  }));
