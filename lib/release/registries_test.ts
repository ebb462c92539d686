import assert from "node:assert/strict";
import { ConfigError } from "../util/errors.ts";
import { latest } from "../util/schema_plan.ts";
import { registriesFromCut, RELEASE } from "./registries.ts";

Deno.test("TICKPROOF_SCHEMA_CUT: unset is this release; store=1 is the release before its store step", () => {
  assert.equal(registriesFromCut(undefined), RELEASE);
  assert.equal(registriesFromCut(" "), RELEASE);
  assert.equal(latest(RELEASE.store), 2);
  const cut = registriesFromCut("store=1");
  assert.equal(latest(cut.store), 1);
  assert.equal(cut.state, RELEASE.state);
  assert.equal(latest(registriesFromCut("store=2, state=1").store), 2);
});

Deno.test("TICKPROOF_SCHEMA_CUT: anything else is one ConfigError line", () => {
  for (const bad of ["store=3", "store=0", "state=2", "store", "db=1", "store=1;state=1"]) {
    assert.throws(
      () => registriesFromCut(bad),
      (e) =>
        e instanceof ConfigError &&
        e.message === "TICKPROOF_SCHEMA_CUT must be store=N and/or state=M (comma-separated) with N in " +
            `1..2 and M in 1..1, got "${bad}"`,
    );
  }
});
