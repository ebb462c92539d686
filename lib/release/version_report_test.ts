import assert from "node:assert/strict";
import { cutAt } from "../util/schema_plan.ts";
import { RELEASE } from "./registries.ts";
import { renderVersion, versionReport } from "./version_report.ts";

const COMMIT = { commit: "a".repeat(40), describe: "v1.2-3-gaaaaaaaaaaaa", source: "git" } as const;

Deno.test("renderVersion: the commit, then what each store's code writes and reads", () => {
  const r = versionReport(COMMIT, RELEASE, null);
  assert.deepEqual(renderVersion(r), [
    `tickproof v1.2-3-gaaaaaaaaaaaa (commit ${"a".repeat(40)})`,
    "store schema: version 2 (reads 1..2; migrations 1->2 reversible)",
    "event log schema (live state dir): version 1 (reads 1; no migrations)",
  ]);
  assert.deepEqual(r.schemas.store.steps, [{
    to: 2,
    reason: RELEASE.store.migrations[0].reason,
    down: true,
  }]);
  const cut = versionReport(
    { commit: "unknown", describe: "unknown", source: "none" },
    { ...RELEASE, store: cutAt(RELEASE.store, 1) },
    null,
  );
  assert.deepEqual(renderVersion(cut).slice(0, 2), [
    "tickproof unknown (not a git checkout, and no TICKPROOF_COMMIT given at build)",
    "store schema: version 1 (reads 1; no migrations)",
  ]);
});

Deno.test("renderVersion --data: each store's version and what it means for this release", () => {
  const r = versionReport(COMMIT, RELEASE, {
    store: { path: "data/feed.duckdb", version: 1, status: "older", detail: null, history: [] },
    event_log: {
      path: "data/live/",
      version: null,
      status: "none",
      detail: "empty or missing (a new state dir)",
      history: [],
    },
  });
  assert.deepEqual(renderVersion(r).slice(3), [
    "data: store data/feed.duckdb: version 1 (older: its service migrates it at start, or ./tp migrate --up)",
    "data: state dir data/live/: - (none): empty or missing (a new state dir)",
  ]);
});
