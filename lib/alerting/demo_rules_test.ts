import assert from "node:assert/strict";
import { demoRuleText, durationSeconds } from "./demo_rules.ts";

Deno.test("demoRuleText scales ranges and for: by 20 with floors, and leaves everything else alone", () => {
  const src = [
    "groups:",
    "  - name: g",
    "    rules:",
    "      - alert: A",
    "        # keep [10m] in comments? they are scaled too: the demo is one consistent clock",
    '        expr: increase(x_total{interval="1m"}[3m]) == 0 or max_over_time(x_total[1h]) > 180',
    "        for: 2m",
    "      - alert: B",
    "        expr: rate(y_total[30s]) > 0",
    "        for: 10s",
    "",
  ].join("\n");
  const out = demoRuleText(src, "src.yml").split("\n");
  assert.match(out[0], /^# GENERATED from src\.yml by lib\/alerting\/demo_rules\.ts \(time 20x faster/);
  assert.equal(out[1], "# for >= 2s). Do not edit: change the source and run ./tp gen");
  assert.deepEqual(out.slice(2), [
    "groups:",
    "  - name: g",
    "    rules:",
    "      - alert: A",
    "        # keep [30s] in comments? they are scaled too: the demo is one consistent clock",
    '        expr: increase(x_total{interval="1m"}[9s]) == 0 or max_over_time(x_total[3m]) > 180',
    "        for: 6s",
    "      - alert: B",
    "        expr: rate(y_total[8s]) > 0",
    "        for: 2s",
    "",
  ]);
});

Deno.test("durationSeconds reads Prometheus durations and names a bad one", () => {
  assert.equal(durationSeconds("1h"), 3600);
  assert.equal(durationSeconds("500ms"), 0.5);
  assert.throws(() => durationSeconds("1d2h"), /^SyntaxError: Cannot scale duration "1d2h"/);
});
