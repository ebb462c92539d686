import assert from "node:assert/strict";
import {
  checkRegistry,
  cutAt,
  downRecorded,
  latest,
  type Migration,
  planDown,
  planUp,
  type Registry,
  tooNewLine,
} from "./schema_plan.ts";

const step = (to: number, down = true): Migration<string[]> => ({
  to,
  reason: `step ${to}`,
  up: (log) => Promise.resolve(void log.push(`up ${to}`)),
  down: down ? (log) => Promise.resolve(void log.push(`down ${to}`)) : undefined,
});
const REG: Registry<string[]> = { name: "thing", migrations: [step(2), step(3, false), step(4)] };

Deno.test("latest, cutAt: a registry writes 1 + its steps; a cut is the older release's registry", () => {
  assert.equal(latest(REG), 4);
  assert.equal(latest({ migrations: [] }), 1);
  assert.deepEqual(cutAt(REG, 2).migrations.map((m) => m.to), [2]);
  assert.deepEqual(cutAt(REG, 1).migrations, []);
  assert.equal(cutAt(REG, 4).migrations.length, 3);
  assert.throws(() => cutAt(REG, 5), /thing: no release writes version 5 \(1\.\.4\)/);
  assert.throws(() => cutAt(REG, 0), RangeError);
});

Deno.test("checkRegistry refuses a hole or a repeat in the steps", () => {
  assert.equal(checkRegistry(REG), REG);
  assert.throws(
    () => checkRegistry({ name: "x", migrations: [step(2), step(4)] }),
    /x migrations: step 2 produces version 4, expected 3/,
  );
});

Deno.test("planUp: the steps after the data's version, oldest first; none when current or newer", () => {
  assert.deepEqual(planUp(REG, 1).map((m) => m.to), [2, 3, 4]);
  assert.deepEqual(planUp(REG, 3).map((m) => m.to), [4]);
  assert.deepEqual(planUp(REG, 4), []);
  assert.deepEqual(planUp(REG, 9), []);
});

Deno.test("planDown: newest first, down to the target; the first step without a way back stops it", () => {
  const to3 = planDown(REG, 4, 3);
  assert.ok("steps" in to3);
  assert.deepEqual(to3.steps.map((m) => m.to), [4]);
  assert.deepEqual(planDown(REG, 4, 1), { missing: 3 });
  assert.deepEqual(planDown(REG, 2, 1), { steps: [REG.migrations[0]] });
  assert.deepEqual(planDown(REG, 2, 2), { steps: [] });
});

Deno.test("downRecorded: every step between was applied by a release with its down-migration", () => {
  const h = [
    { from: 0, to: 1, atMs: 1, reason: "new", down: false },
    { from: 1, to: 2, atMs: 2, reason: "a", down: true },
    { from: 2, to: 3, atMs: 3, reason: "b", down: false },
    { from: 3, to: 2, atMs: 4, reason: "down: b", down: false },
    { from: 2, to: 3, atMs: 5, reason: "b again, by a release that can undo it", down: true },
  ];
  assert.equal(downRecorded(h, 3, 1), true); // the latest up-step to each version counts
  assert.equal(downRecorded(h.slice(0, 3), 3, 1), false);
  assert.equal(downRecorded(h.slice(0, 3), 2, 1), true);
  assert.equal(downRecorded([], 2, 1), false);
  assert.equal(downRecorded([], 1, 1), true);
});

Deno.test("tooNewLine: one line with both versions and the way back", () => {
  const what = { name: "store", key: "store" };
  assert.equal(
    tooNewLine(what, "data/feed.duckdb", 2, 1, true),
    "store data/feed.duckdb is at schema version 2, newer than this release reads (1): refusing to start; " +
      "the release that upgraded it recorded a down-migration: with that release checked out, stop the " +
      "services and run ./tp migrate --down-to 1 --only store, then start this one",
  );
  assert.equal(
    tooNewLine(what, "f", 3, 2, false),
    "store f is at schema version 3, newer than this release reads (2): refusing to start; no " +
      "down-migration was recorded for it: run the newer release, or restore the backup taken before the " +
      "upgrade (./tp restore BACKUP --into-place)",
  );
});
