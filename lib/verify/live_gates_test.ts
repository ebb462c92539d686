// The crash-point proof's gates on hand-made inputs in the real formats (a hash-chained event log, truth
// lines, the venue's view): each gate passes on a sound run and fails on the one fault it names.
import assert from "node:assert/strict";
import { EventLog } from "../oms/event_log.ts";
import { REC } from "../oms/records.ts";
import { ev, fillEv, intent, type Rec, U } from "../../testing/oms_records.ts";
import { judgeLive, type LiveInputs } from "./live_gates.ts";

async function logBytes(recs: readonly Rec[]): Promise<Uint8Array> {
  const dir = await Deno.makeTempDir({ prefix: "tp_live_gates_" });
  try {
    const log = await EventLog.create(`${dir}/run.jsonl`, { now: () => 0 });
    await log.append(REC.runStart, { runId: "t-run1", tag: "t" });
    for (const r of recs) await log.append(r.type, r.data, r.corr ?? null);
    log.abandon();
    return await Deno.readFile(`${dir}/run.jsonl`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** One LIMIT buy of 1 BTC at 100 USDT, filled by venue trade 11 of venue order 7. */
const SOUND: Rec[] = [
  intent("t-1", 1),
  ev("t-1", { kind: "submitted" }),
  ev("t-1", { kind: "accepted", venueOrderId: 7 }),
  fillEv("t-1", 11, U),
];

async function inputs(more: Partial<LiveInputs> = {}, recs: Rec[] = SOUND): Promise<LiveInputs> {
  const sample = (code: number, status: string) => ({ code, status });
  return {
    ordersTruth: [
      { event: "NEW", clientOrderId: "t-1", orderId: 7 },
      { event: "TRADE", clientOrderId: "t-1", orderId: 7 },
    ],
    fillsTruth: [{ orderId: 7, id: 11 }],
    logs: [await logBytes(recs)],
    baseline: { BTC: 0, USDT: 1_000 * U },
    venueAfter: {
      balances: [{ asset: "BTC", free: "1", locked: "0" }, { asset: "USDT", free: "900", locked: "0" }],
      openOrders: [],
    },
    healthStarts: [
      { n: 1, crashPoint: null, samples: [sample(503, "starting"), sample(200, "ready")] },
      {
        n: 2,
        crashPoint: "after_ack",
        exit: { signal: "SIGKILL" },
        samples: [sample(503, "reconciling"), sample(200, "ready")],
      },
      { n: 3, crashPoint: null, samples: [sample(503, "starting"), sample(200, "ready")] },
    ],
    chaosLog: [{ kind: "config" }, { kind: "ack_lost_placed" }],
    cases: [{ name: "crash_after_ack", ok: true }, { name: "lost_ack", ok: true }],
    ks: {
      tripped: { state: "HALTED", reason: "DRAWDOWN" },
      afterRestart: { state: "HALTED", reason: "DRAWDOWN" },
      halted: { ok: false },
      reset: { state: "ACTIVE" },
    },
    ...more,
  };
}

const statuses = (i: LiveInputs) =>
  Object.fromEntries(judgeLive(i).map((g) => [g.key, `${g.status} ${g.value}`]));

Deno.test("live gates: a sound run passes every gate", async () => {
  assert.deepEqual(statuses(await inputs()), {
    no_client_order_id_placed_twice: "PASS 0",
    venue_fills_recorded_once: "PASS 0",
    oms_positions_balances_equal_venue: "PASS 0",
    no_order_in_flight_after_grace: "PASS 0",
    kill_switch_persisted_across_restart: "PASS 1",
    health_503_during_reconciliation_then_200: "PASS 2",
    fault_cases_completed: "PASS 2",
  });
});

Deno.test("live gates: each fault fails the gate that names it, and only that one", async () => {
  const failing = async (more: Partial<LiveInputs>, recs?: Rec[]) =>
    Object.entries(statuses(await inputs(more, recs))).filter(([, s]) => !s.startsWith("PASS"));
  const truth = (await inputs()).ordersTruth;
  assert.deepEqual(
    await failing({ ordersTruth: [...truth, { event: "NEW", clientOrderId: "t-1", orderId: 8 }] }),
    [["no_client_order_id_placed_twice", "FAIL 1"]],
  );
  // A venue fill the OMS never recorded: the fill gate and (its quantity missing) the balances gate.
  assert.deepEqual(await failing({ fillsTruth: [{ orderId: 7, id: 11 }, { orderId: 7, id: 12 }] }), [[
    "venue_fills_recorded_once",
    "FAIL 1",
  ]]);
  assert.deepEqual(await failing({}, SOUND.slice(0, 3)), [
    ["venue_fills_recorded_once", "FAIL 1"],
    ["oms_positions_balances_equal_venue", "FAIL 2"],
  ]);
  assert.deepEqual(await failing({}, [...SOUND, intent("t-2", 2), ev("t-2", { kind: "submitted" })]), [
    ["no_order_in_flight_after_grace", "FAIL 1"],
  ]);
  const after = (await inputs()).venueAfter!;
  assert.deepEqual(
    await failing({ venueAfter: { ...after, openOrders: [{ clientOrderId: "web_x" }] } }),
    [["no_order_in_flight_after_grace", "FAIL 1"]],
  );
  // Open at the venue, closed in the OMS (a lost cancel): it rests uncounted. Before: PASS (known id).
  const gone = await inputs(
    { venueAfter: { ...after, openOrders: [{ clientOrderId: "t-2" }] } },
    [...SOUND, intent("t-2", 2), ev("t-2", { kind: "denied", reason: "canceled before it was sent" })],
  );
  const g = judgeLive(gone).find((x) => x.key === "no_order_in_flight_after_grace")!;
  assert.deepEqual([g.status, g.value], ["FAIL", 1]);
  assert.match(g.detail, /t-2 open at the venue, DENIED in the OMS/);
  const ks = (await inputs()).ks;
  assert.deepEqual(await failing({ ks: { ...ks, afterRestart: { state: "ACTIVE", reason: null } } }), [
    ["kill_switch_persisted_across_restart", "FAIL 0"],
  ]);
  assert.deepEqual(await failing({ ks: { ...ks, tripped: null } }), [
    ["kill_switch_persisted_across_restart", "NO_DATA null"],
  ]);
  assert.deepEqual(
    await failing({
      healthStarts: [
        {
          n: 2,
          crashPoint: "after_ack",
          exit: { signal: "SIGKILL" },
          samples: [{ code: 200, status: "ready" }],
        },
      ],
    }),
    [["health_503_during_reconciliation_then_200", "FAIL 0"]],
  );
  assert.deepEqual(await failing({ cases: [{ name: "lost_ack", ok: false }] }), [[
    "fault_cases_completed",
    "FAIL 0",
  ]]);
  // A case that says ok without its fault on record does not count.
  assert.deepEqual(await failing({ chaosLog: [] }), [["fault_cases_completed", "FAIL 1"]]);
  const starts = (await inputs()).healthStarts!.map((s) => ({ ...s, exit: null }));
  const j = judgeLive(await inputs({ healthStarts: starts }));
  assert.equal(
    j.find((g) => g.key === "fault_cases_completed")?.detail,
    "each with its fault on record; not: crash_after_ack: no SIGKILL at after_ack",
  );
});

Deno.test("live gates: a re-send the venue refused as a duplicate (-2010) is a client id placed twice", async () => {
  const refused = {
    event: "REFUSED",
    clientOrderId: "t-1",
    code: -2010,
    msg: "Duplicate order sent.",
    heldByOrderId: 7,
  };
  const clean = await inputs();
  const placedTwice = (i: LiveInputs) =>
    judgeLive(i).find((g) => g.key === "no_client_order_id_placed_twice")!;
  assert.deepEqual([placedTwice(clean).status, placedTwice(clean).value], ["PASS", 0]);
  const dup = await inputs({ ordersTruth: [...clean.ordersTruth, refused] });
  const g = placedTwice(dup);
  assert.deepEqual([g.status, g.value, g.detail], [
    "FAIL",
    1,
    "1 client ids placed, 1 re-sends refused as duplicates; twice: t-1 x2 (1 refused as a duplicate)",
  ]);
  // Only that gate: the venue kept one order, so fills and holdings still agree.
  assert.deepEqual(
    Object.entries(statuses(dup)).filter(([, s]) => !s.startsWith("PASS")),
    [["no_client_order_id_placed_twice", "FAIL 1"]],
  );
  // Another -2010 (the balance) is not a re-sent client id.
  const balance = { ...refused, msg: "Account has insufficient balance for requested action." };
  assert.equal(placedTwice(await inputs({ ordersTruth: [...clean.ordersTruth, balance] })).status, "PASS");
});

/** What run 2 did with t-2, queued by run 1 and never sent there: sent it (same id), and it filled. */
const RUN2: Rec[] = [
  ev("t-2", { kind: "submitted" }),
  ev("t-2", { kind: "accepted", venueOrderId: 8 }),
  fillEv("t-2", 12, U),
];

Deno.test("live gates: crash_after_queued_intent counts only with its SIGKILL and an order a later run sent, placed once", async () => {
  // Run 1 logged t-2's intent (the case's own order: its name is the correlation id) and died before its
  // `submitted`.
  const own = intent("t-2", 2, { correlationId: "crash_after_queued_intent" });
  const [run1, run2] = [await logBytes([...SOUND, own]), await logBytes(RUN2)];
  const base = await inputs();
  const warmSamples = [{ code: 503, status: "reconciling" }, { code: 200, status: "ready" }];
  const queued = {
    ordersTruth: [...base.ordersTruth, { event: "NEW", clientOrderId: "t-2", orderId: 8 }],
    fillsTruth: [...base.fillsTruth, { orderId: 8, id: 12 }],
    logs: [run1, run2],
    venueAfter: {
      balances: [{ asset: "BTC", free: "2", locked: "0" }, { asset: "USDT", free: "800", locked: "0" }],
      openOrders: [],
    },
    healthStarts: [
      ...base.healthStarts!,
      { n: 4, crashPoint: "after_queued_intent", exit: { signal: "SIGKILL" }, samples: warmSamples },
      { n: 5, crashPoint: null, samples: warmSamples },
    ],
    cases: [...base.cases!, { name: "crash_after_queued_intent", ok: true }],
  };
  const all = await inputs(queued);
  assert.deepEqual(statuses(all), {
    no_client_order_id_placed_twice: "PASS 0",
    venue_fills_recorded_once: "PASS 0",
    oms_positions_balances_equal_venue: "PASS 0",
    no_order_in_flight_after_grace: "PASS 0",
    kill_switch_persisted_across_restart: "PASS 1",
    health_503_during_reconciliation_then_200: "PASS 4",
    fault_cases_completed: "PASS 3",
  });
  const judged = (i: LiveInputs) => judgeLive(i).find((g) => g.key === "fault_cases_completed")!;
  // Sent in the run that logged its intent: not the queued-never-sent path.
  const sameRun = await inputs({
    ...queued,
    logs: [await logBytes([...SOUND, own, ...RUN2])],
  });
  assert.deepEqual([judged(sameRun).status, judged(sameRun).detail], [
    "FAIL",
    "each with its fault on record; not: crash_after_queued_intent: no SIGKILL at after_queued_intent, or no order placed by a later run than its intent's",
  ]);
  // Never placed at the venue: no proof either.
  assert.equal(judged(await inputs({ ...queued, ordersTruth: base.ordersTruth })).status, "FAIL");
  // Only another case's order was re-queued and placed by the later run: not this case's proof.
  const other = intent("t-2", 2, { correlationId: "order_vanished" });
  const otherCase = await inputs({ ...queued, logs: [await logBytes([...SOUND, other]), run2] });
  assert.deepEqual([judged(otherCase).status, judged(otherCase).detail], [
    "FAIL",
    "each with its fault on record; not: crash_after_queued_intent: no SIGKILL at after_queued_intent, or no order placed by a later run than its intent's",
  ]);
});
