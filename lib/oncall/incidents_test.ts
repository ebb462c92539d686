// The shift's incidents judged at the run's evaluation time: a resolved alert is over even when it is the
// newest point of the answer; an alert older than the window keeps its start and id across handovers; a
// big outage's history (hundreds of series all shift) is read, not a crash.
import assert from "node:assert/strict";
import { type AlertsOutcome, parseAlertsAnswer } from "../alerting/am_client.ts";
import { parseQueryAnswer } from "../prom/client.ts";
import { loadOncallConfig } from "./config.ts";
import { renderHandover } from "./handover.ts";
import { HANDOVER_LOOKBACK_S, incidentsFrom, labelHash } from "./incidents.ts";

const T = 1_764_676_800; // 2025-12-02T12:00:00Z
const labels = { alertname: "FeedStalled", severity: "critical", venue: "okx", job: "live_connector" };
const rules = new Map<string, { summary: string; severity: string }>();
const none: AlertsOutcome = { url: "http://am", raw: "[]", ok: true, alerts: [] };

/** ALERTS{alertstate="firing"}[12h:60s] as Prometheus answers it: one series per entry. */
const history = (series: { metric: Record<string, string>; times: number[] }[]) =>
  parseQueryAnswer(JSON.stringify({
    status: "success",
    data: {
      resultType: "matrix",
      result: series.map((s) => ({
        metric: { __name__: "ALERTS", alertstate: "firing", ...s.metric },
        values: s.times.map((t) => [t, "1"]),
      })),
    },
  }));
const steps = (from: number, to: number) =>
  Array.from({ length: (to - from) / 60 + 1 }, (_, i) => from + i * 60);
/** The answer at `now` for an alert firing at every step of the window (it began long before). */
const allShift = (now: number) =>
  history([{ metric: labels, times: steps(now - HANDOVER_LOOKBACK_S + 60, now) }]);

Deno.test("incidents: an alert resolved 10 minutes before the evaluation time has ended, though it is the newest point", () => {
  const h = history([{ metric: labels, times: steps(T - 3600, T - 600) }]);
  const got = incidentsFrom(h, none, { rules, atMs: T * 1000 + 250 });
  assert.deepEqual(got.map((i) => [i.startedAt, i.endedAt, i.startedBefore]), [[T - 3600, T - 600, false]]);
  // Its last point one step before the evaluation time: still firing.
  const live = incidentsFrom(history([{ metric: labels, times: steps(T - 3600, T - 60) }]), none, {
    rules,
    atMs: T * 1000 + 250,
  });
  assert.equal(live[0].endedAt, null);
});

Deno.test("incidents: an alert firing since before the window takes Alertmanager's start, and its id stays", () => {
  const am = parseAlertsAnswer(
    "http://am/api/v2/alerts",
    JSON.stringify([{
      labels,
      annotations: { summary: "No live data for okx" },
      startsAt: "2025-11-30T12:00:00.000Z",
      fingerprint: "0011223344556677",
      status: { state: "active", silencedBy: [], inhibitedBy: [] },
    }]),
  );
  const a = incidentsFrom(allShift(T), am, { rules, atMs: T * 1000 });
  const b = incidentsFrom(allShift(T + 60), am, { rules, atMs: (T + 60) * 1000 });
  assert.deepEqual(a.map((i) => [i.id, i.startedAt, i.startedBefore, i.endedAt, i.fingerprint]), [
    [`FeedStalled-${labelHash(labels)}-20251130T1200Z`, T - 2 * 86_400, false, null, "0011223344556677"],
  ]);
  assert.deepEqual(b, a);
});

Deno.test("incidents: without Alertmanager the start is 'before' the window, and the id does not move with it", async () => {
  const a = incidentsFrom(allShift(T), none, { rules, atMs: T * 1000 });
  const b = incidentsFrom(allShift(T + 60), none, { rules, atMs: (T + 60) * 1000 });
  assert.deepEqual(a.map((i) => [i.id, i.startedAt, i.startedBefore, i.endedAt]), [
    [`FeedStalled-${labelHash(labels)}`, T - HANDOVER_LOOKBACK_S, true, null],
  ]);
  assert.equal(b[0].id, a[0].id);
  // A stretch that began at the window's second step began inside it: its own time.
  const later = incidentsFrom(
    history([{ metric: labels, times: steps(T - HANDOVER_LOOKBACK_S + 120, T) }]),
    none,
    { rules, atMs: T * 1000 },
  );
  assert.deepEqual(later.map((i) => [i.startedAt, i.startedBefore]), [[
    T - HANDOVER_LOOKBACK_S + 120,
    false,
  ]]);
  const md = renderHandover({
    atMs: T * 1000,
    verdict: "PASS",
    results: [],
    incidents: a,
    incidentsProblem: null,
    config: await loadOncallConfig(),
    promUrl: "p",
    amUrl: "a",
  });
  assert.match(
    md,
    /^\| FeedStalled-\w{8} \| before 2025-12-02 00:00 \| firing \| FeedStalled \| critical \| /m,
  );
});

Deno.test("incidents: 200 series firing all shift (144k points) are 200 firing incidents, not a RangeError", () => {
  const h = history(
    Array.from({ length: 200 }, (_, k) => ({
      metric: { ...labels, symbol: `S${k}` },
      times: steps(T - HANDOVER_LOOKBACK_S + 60, T),
    })),
  );
  const got = incidentsFrom(h, none, { rules, atMs: T * 1000 });
  assert.equal(got.length, 200);
  assert.ok(got.every((i) => i.endedAt === null && i.startedBefore));
});
