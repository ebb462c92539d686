import assert from "node:assert/strict";
import { ConfigError } from "../util/errors.ts";
import { PORTS } from "../config/ports.ts";
import { DEFAULT_EVENTS_PATH, resolveConfig } from "./config.ts";

const env = (vars: Record<string, string>) => (k: string) => vars[k];

Deno.test("defaults, then env, then flags", () => {
  const d = resolveConfig({}, env({}));
  assert.deepEqual(
    [d.eventsPath, d.port, d.maxRunIds, d.pollMs, d.identity, d.once],
    [DEFAULT_EVENTS_PATH, PORTS.ai_live, 1000, 200, { runId: "local", component: "ai_live_exporter" }, false],
  );
  assert.ok(Object.isFrozen(d));
  const e = env({
    PEAK_TRADE_AI_EVENTS_JSONL: "/e.jsonl",
    PEAK_TRADE_AI_EXPORTER_PORT: "19110",
    PEAK_TRADE_AI_MAX_RUN_IDS: "50",
    PEAK_TRADE_AI_RUN_ID: "env-run",
    PEAK_TRADE_AI_COMPONENT: "env-comp",
  });
  const fromEnv = resolveConfig({}, e);
  assert.deepEqual(
    [fromEnv.eventsPath, fromEnv.port, fromEnv.maxRunIds, fromEnv.identity.runId, fromEnv.identity.component],
    ["/e.jsonl", 19110, 50, "env-run", "env-comp"],
  );
  const flags = resolveConfig({ events: "/f.jsonl", port: "0", "max-run-ids": "7", "run-id": "flag-run" }, e);
  assert.deepEqual(
    [flags.eventsPath, flags.port, flags.maxRunIds, flags.identity.runId],
    ["/f.jsonl", 0, 7, "flag-run"],
  );
});

Deno.test("bad settings are one-line usage errors naming the setting", () => {
  const bad = (f: Parameters<typeof resolveConfig>[0], vars: Record<string, string>, re: RegExp) =>
    assert.throws(() => resolveConfig(f, env(vars)), (e) => e instanceof ConfigError && re.test(e.message));
  bad({}, { PEAK_TRADE_AI_EXPORTER_PORT: "http" }, /PEAK_TRADE_AI_EXPORTER_PORT/);
  bad({ port: "70000" }, {}, /--port/);
  bad({}, { PEAK_TRADE_AI_MAX_RUN_IDS: "0" }, /PEAK_TRADE_AI_MAX_RUN_IDS/);
  bad({}, { PEAK_TRADE_AI_COMPONENT: "a/b" }, /PEAK_TRADE_AI_COMPONENT must be 1-64 characters/);
  bad({ "poll-ms": "5" }, {}, /--poll-ms must be a whole number from 10 to 1000/);
});
