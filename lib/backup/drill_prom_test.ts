import assert from "node:assert/strict";
import { renderGauges } from "../prom/textfile.ts";
import { drillSamples, LAST_RUN, LAST_SUCCESS, previousSuccess } from "./drill_prom.ts";

Deno.test("backup.prom: a pass moves both; a failure moves the run and keeps the last success; 0 until one passed", async () => {
  const first = await renderGauges(drillSamples(false, 1_000_000, ""));
  assert.match(first, new RegExp(`^${LAST_RUN} 1000$`, "m"));
  assert.match(first, new RegExp(`^${LAST_SUCCESS} 0$`, "m"));
  const passed = await renderGauges(drillSamples(true, 2_000_000, first));
  assert.equal(previousSuccess(passed), 2000);
  const failed = await renderGauges(drillSamples(false, 3_000_000, passed));
  assert.match(failed, new RegExp(`^${LAST_RUN} 3000$`, "m"));
  assert.match(failed, new RegExp(`^${LAST_SUCCESS} 2000$`, "m"));
  assert.match(failed, /^# TYPE backup_drill_last_success_timestamp_seconds gauge$/m);
});
