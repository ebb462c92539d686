// The crash-point proof's gates, pure over the files its folder keeps: the simulator's orders and fills
// truth, the loop's event logs (replayed through the OMS book), the balances baseline, the venue's
// final view, the kill-switch answers, the /health samples of each loop start and the cases' outcomes.
// The proof judges with these and `./tp evidence check` recomputes them from the same files.
import { join } from "node:path";
import { OmsBook } from "../oms/book.ts";
import { LOG_DIR } from "../oms/boot.ts";
import { readLog } from "../oms/log_record.ts";
import { isClosed } from "../oms/order.ts";
import { expectedHoldings, holdingDiffs, type Holdings, holdingsOf } from "../live/ledger.ts";
import type { Balance } from "../trading/venue.ts";
import type { GateResult } from "./gates.ts";
import { caseProblem } from "./live_faults.ts";
import { sendsOf, sentByLaterRun, timesSent } from "./live_sends.ts";
import { LIVE_FILES } from "../evidence/gate_sources.ts";

type Row = Record<string, unknown>;

export { LIVE_FILES };

/** The summary file and its header keys (the proof writes them, `evidence check` renders them again). */
export const LIVE_SUMMARY = "LIVE_LOOP_VERIFY_SUMMARY.txt";
export const LIVE_HEADER = ["cases", "loop_starts", "sim_price", "judged_at"] as const;

export const LIVE_SYMBOLS = [{ symbol: "BTCUSDT", base: "BTC", quote: "USDT", lotAtoms: 100 }];

export interface LiveInputs {
  readonly ordersTruth: Row[];
  readonly fillsTruth: Row[];
  /** Each run's log bytes, in run order. */
  readonly logs: Uint8Array[];
  readonly baseline: Holdings | null;
  readonly venueAfter: { balances: Balance[]; openOrders: Row[] } | null;
  readonly healthStarts:
    | { n: number; crashPoint: string | null; exit?: { signal: string | null } | null; samples: Row[] }[]
    | null;
  readonly chaosLog: Row[];
  readonly cases: { name: string; ok: boolean }[] | null;
  readonly ks: { tripped: Row | null; afterRestart: Row | null; reset: Row | null; halted: Row | null };
}

async function text(dir: string, rel: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(join(dir, rel));
  } catch {
    return null;
  }
}
async function json<T>(dir: string, rel: string): Promise<T | null> {
  const t = await text(dir, rel);
  try {
    return t === null ? null : JSON.parse(t) as T;
  } catch {
    return null;
  }
}
const jsonl = (t: string | null): Row[] =>
  (t ?? "").split("\n").filter((l) => l.trim() !== "").flatMap((l) => {
    try {
      return [JSON.parse(l) as Row];
    } catch {
      return [];
    }
  });

/** Reads a folder's inputs (missing files are null/empty: the gates say NO_DATA or FAIL). */
export async function readLiveInputs(dir: string): Promise<LiveInputs> {
  const logs: Uint8Array[] = [];
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(join(dir, LIVE_FILES.state, LOG_DIR))) {
      if (e.isFile) names.push(e.name);
    }
  } catch { /* no logs */ }
  for (const n of names.sort()) logs.push(await Deno.readFile(join(dir, LIVE_FILES.state, LOG_DIR, n)));
  const baseline = await json<{ holdings: Holdings }>(dir, LIVE_FILES.baseline);
  return {
    ordersTruth: jsonl(await text(dir, LIVE_FILES.ordersTruth)),
    fillsTruth: jsonl(await text(dir, LIVE_FILES.fillsTruth)),
    logs,
    baseline: baseline?.holdings ?? null,
    venueAfter: await json(dir, LIVE_FILES.venueAfter),
    healthStarts: await json(dir, LIVE_FILES.healthStarts),
    chaosLog: jsonl(await text(dir, LIVE_FILES.chaosLog)),
    cases: await json(dir, LIVE_FILES.cases),
    ks: {
      tripped: await json(dir, LIVE_FILES.ksTripped),
      afterRestart: await json(dir, LIVE_FILES.ksAfterRestart),
      reset: await json(dir, LIVE_FILES.ksReset),
      halted: await json(dir, LIVE_FILES.haltedOrder),
    },
  };
}

/** The OMS book every run's log folds to (the same apply the loop used). */
export function replayBook(logs: readonly Uint8Array[]): OmsBook {
  const book = new OmsBook();
  for (const bytes of logs) for (const r of readLog(bytes).records) book.apply(r);
  return book;
}

const gate = (key: string, src: string, want: string, pass: boolean, value: number | null, detail: string) =>
  ({
    key,
    promql: src,
    want,
    status: value === null ? "NO_DATA" : pass ? "PASS" : "FAIL",
    value,
    detail,
  }) as GateResult;

const list = (xs: string[]) => xs.length ? xs.slice(0, 5).join("; ") + (xs.length > 5 ? " ..." : "") : "none";

export function judgeLive(i: LiveInputs): GateResult[] {
  const book = replayBook(i.logs);
  const orders = book.toJSON().orders;
  // 1. A client order id placed at the venue more than once: two venue order ids for one client id, or a
  // re-send the venue refused as a duplicate (still the loop sending a known id again).
  const placed = sendsOf(i.ordersTruth);
  const refusedAll = [...placed.values()].reduce((n, s) => n + s.refused, 0);
  const twice = [...placed].filter(([, s]) => timesSent(s) > 1)
    .map(([id, s]) => `${id} x${timesSent(s)}${s.refused ? ` (${s.refused} refused as a duplicate)` : ""}`);
  // 2. Every venue fill in exactly one OMS order, once; no OMS fill the venue does not know.
  const venueFills = i.fillsTruth.map((f) => `${f.orderId}:${f.id}`);
  const omsFills = orders.flatMap((o) => o.tradeIds.map((t) => `${o.venueOrderId}:${t}`));
  const count = (xs: string[]) =>
    xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
  const vc = count(venueFills), oc = count(omsFills);
  const fillDiffs = [...new Set([...vc.keys(), ...oc.keys()])].filter((k) => vc.get(k) !== oc.get(k))
    .map((k) => `${k}: venue ${vc.get(k) ?? 0}, OMS ${oc.get(k) ?? 0}`);
  // 3. The OMS's holdings (baseline + its fills - fees) against the venue's balances.
  const venueH = i.venueAfter ? holdingsOf(i.venueAfter.balances) : null;
  const holdDiffs = i.baseline && venueH && typeof venueH !== "string"
    ? holdingDiffs(expectedHoldings(book, i.baseline, LIVE_SYMBOLS), venueH)
    : null;
  const pos = book.position("BTCUSDT");
  // 4. Nothing in flight after the grace period; every open venue order known to the OMS.
  const inflight = orders.filter((o) =>
    !isClosed(o.state) && !["ACCEPTED", "PARTIALLY_FILLED"].includes(o.state)
  )
    .map((o) => `${o.clientOrderId} ${o.state}`);
  // An open venue order the OMS holds closed rests uncounted as much as an unknown one does.
  const known = new Map(orders.map((o) => [o.clientOrderId, o.state]));
  const unknown = (i.venueAfter?.openOrders ?? []).flatMap((o) => {
    const st = known.get(String(o.clientOrderId));
    if (st === undefined) return [`${o.clientOrderId} open at the venue, unknown to the OMS`];
    return isClosed(st) ? [`${o.clientOrderId} open at the venue, ${st} in the OMS`] : [];
  });
  // 5. The kill switch: tripped, HALTED with its reason after the restart, denied an order, reset.
  const k = i.ks;
  const ksOk = k.tripped?.state === "HALTED" && k.afterRestart?.state === "HALTED" &&
    k.afterRestart?.reason === k.tripped?.reason && k.halted?.ok === false && k.reset?.state === "ACTIVE";
  // 6. Each warm start: 503 while it booted/reconciled, then 200.
  const warm = (i.healthStarts ?? []).filter((s) => s.n > 1);
  const seen503 = warm.filter((s) =>
    s.samples.some((x) => x.code === 503 && (x.status === "starting" || x.status === "reconciling"))
  );
  const reached200 = warm.filter((s) => {
    const first503 = s.samples.findIndex((x) => x.code === 503);
    return first503 >= 0 && s.samples.slice(first503).some((x) => x.code === 200);
  });
  const crashed = warm.length; // every warm start must show both
  const cases = i.cases ?? [];
  const evidence = {
    chaosKinds: new Set(i.chaosLog.map((l) => String(l.kind))),
    starts: i.healthStarts ?? [],
    killSwitchTripped: k.tripped?.state === "HALTED",
    requeuedPlaced: new Map([...sentByLaterRun(i.logs)].filter(([id]) => placed.get(id)?.orders.size)),
  };
  const problems = cases.map((c) => caseProblem(c, evidence)).filter((p) => p !== null);
  return [
    gate(
      "no_client_order_id_placed_twice",
      LIVE_FILES.ordersTruth,
      "=0",
      twice.length === 0,
      i.ordersTruth.length ? twice.length : null,
      `${placed.size} client ids placed, ${refusedAll} re-sends refused as duplicates; twice: ${list(twice)}`,
    ),
    gate(
      "venue_fills_recorded_once",
      `${LIVE_FILES.fillsTruth} vs ${LIVE_FILES.state}/log`,
      "=0",
      fillDiffs.length === 0,
      venueFills.length ? fillDiffs.length : null,
      `${venueFills.length} venue fills, ${omsFills.length} in the OMS; differences: ${list(fillDiffs)}`,
    ),
    gate(
      "oms_positions_balances_equal_venue",
      `${LIVE_FILES.baseline} + log vs ${LIVE_FILES.venueAfter}`,
      "=0",
      holdDiffs?.length === 0,
      holdDiffs === null ? null : holdDiffs.length,
      `position BTCUSDT ${pos.qty} atoms; differences: ${list(holdDiffs ?? [])}`,
    ),
    gate(
      "no_order_in_flight_after_grace",
      `${LIVE_FILES.state}/log + ${LIVE_FILES.venueAfter}`,
      "=0",
      inflight.length + unknown.length === 0,
      i.venueAfter ? inflight.length + unknown.length : null,
      `${orders.length} OMS orders; ${list([...inflight, ...unknown])}`,
    ),
    gate(
      "kill_switch_persisted_across_restart",
      `${LIVE_FILES.ksTripped} ${LIVE_FILES.ksAfterRestart} ${LIVE_FILES.ksReset}`,
      "=1",
      ksOk,
      k.tripped && k.afterRestart && k.reset ? (ksOk ? 1 : 0) : null,
      `tripped ${k.tripped?.state} (${k.tripped?.reason}); after restart ${k.afterRestart?.state} (${k.afterRestart?.reason}); order while halted ok=${k.halted?.ok}; reset ${k.reset?.state}`,
    ),
    gate(
      "health_503_during_reconciliation_then_200",
      LIVE_FILES.healthStarts,
      `=${crashed} warm starts`,
      crashed > 0 && seen503.length === crashed && reached200.length === crashed,
      warm.length ? Math.min(seen503.length, reached200.length) : null,
      `${warm.length} warm starts: 503 while starting/reconciling in ${seen503.length}, 200 after in ${reached200.length}`,
    ),
    gate(
      "fault_cases_completed",
      `${LIVE_FILES.cases} + ${LIVE_FILES.chaosLog} + ${LIVE_FILES.healthStarts}`,
      `=${cases.length} cases`,
      cases.length > 0 && problems.length === 0,
      i.cases ? cases.length - problems.length : null,
      `each with its fault on record; not: ${list(problems)}`,
    ),
  ];
}
