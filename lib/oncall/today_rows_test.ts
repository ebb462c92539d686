// The bots' "today" rows through the shipped checklist (testing/oncall_answers.ts: bodies as Prometheus
// sends them): the day is the check's, and a stale newest point is NO_DATA, never judged.
import assert from "node:assert/strict";
import { evaluateOncall } from "./checks.ts";
import { loadOncallConfig, parseOncallConfig } from "./config.ts";
import {
  healthy as answers,
  LOOP,
  matrix,
  MIDNIGHT,
  noAlerts as alerts,
  T,
} from "../../testing/oncall_answers.ts";

const cfg = await loadOncallConfig();
const healthy = () => answers(cfg);

Deno.test("bots' today is the check's UTC day: a loop last scraped yesterday or minutes ago is not judged", () => {
  const today = (q: ReturnType<typeof healthy>, atMs = T * 1000) =>
    evaluateOncall(cfg, { queries: q, alerts, atMs }).filter((x) => x.key.endsWith("_today"))
      .map((x) => [x.key, x.status, x.value, x.detail]);
  // Scraped until 23:59:30 yesterday, losing 250 (over the 200 limit, but yesterday's): not today's PnL.
  const yesterday = {
    ...healthy(),
    equity_today: matrix([[LOOP, [[MIDNIGHT - 3600, 10_000], [MIDNIGHT - 30, 10_100]]]]),
    drawdown_today: matrix([[LOOP, [[MIDNIGHT - 3600, 0], [MIDNIGHT - 30, 0.001]]]]),
  };
  assert.deepEqual(today(yesterday), [
    [
      "bot_pnl_today",
      "NO_DATA",
      null,
      "no live_loop_equity today (UTC day of 2025-12-02T12:00:00Z); newest point 2025-12-01T23:59:30Z (127.0.0.1:9120)",
    ],
    [
      "bot_drawdown_max_today",
      "NO_DATA",
      null,
      "no live_loop_drawdown_ratio today (UTC day of 2025-12-02T12:00:00Z); newest point 2025-12-01T23:59:30Z (127.0.0.1:9120)",
    ],
  ]);
  // Today's points, the newest 121 s before the check (today_age_max_s 120): stale, not judged.
  const stale = {
    ...healthy(),
    equity_today: matrix([[LOOP, [[MIDNIGHT, 10_000], [T - 121, 10_050]]]]),
    drawdown_today: matrix([[LOOP, [[MIDNIGHT, 0], [T - 121, 0.001]]]]),
  };
  const why = (m: string) =>
    `stale: newest ${m} point 121 s before the check (127.0.0.1:9120, at 2025-12-02T11:57:59Z); ` +
    "today_age_max_s=120: the loop is not being scraped";
  assert.deepEqual(today(stale), [
    ["bot_pnl_today", "NO_DATA", null, why("live_loop_equity")],
    ["bot_drawdown_max_today", "NO_DATA", null, why("live_loop_drawdown_ratio")],
  ]);
  // 120 s old is within the threshold: judged (PnL +50).
  assert.deepEqual(today(stale, (T - 1) * 1000).map((x) => [x[0], x[1], x[2]]), [
    ["bot_pnl_today", "PASS", 50],
    ["bot_drawdown_max_today", "PASS", 0.001],
  ]);
  // Thresholds from before today_age_max_s (a folder's run.json): the day is still the check's, no age check.
  const { today_age_max_s: _, ...bots } = cfg.bots!;
  const old = parseOncallConfig({ ...cfg, bots });
  const oldRows = evaluateOncall(old, { queries: stale, alerts, atMs: T * 1000 });
  assert.equal(oldRows.find((x) => x.key === "bot_pnl_today")!.status, "PASS");
  assert.throws(
    () => parseOncallConfig({ ...cfg, bots: { ...cfg.bots!, today_age_max_s: 30 } }),
    /today_age_max_s must exceed today_step/,
  );
});
