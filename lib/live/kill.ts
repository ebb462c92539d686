// The kill switch in the loop and the account limits that trip it. Every change is persisted first
// (kill_switch.json, durable), then recorded in the event log, logged and announced (on_kill_switch).
// Equity is marked after every fill and closed bar from the OMS alone (ledger.ts); its peak and day
// start persist beside the switch, so a restart does not forget the drawdown it had.
import { join } from "node:path";
import { writeFileAtomic } from "../fs/atomic.ts";
import { engage, type KillSwitch, reset, saveKillSwitch } from "../oms/kill_switch.ts";
import { REC } from "../oms/records.ts";
import { accountBreach, type EquityTrack, markEquity } from "../oms/risk.ts";
import type { LoopCore } from "./core.ts";
import { EV } from "./counters.ts";
import { equityOf, expectedHoldings } from "./ledger.ts";

export const EQUITY_FILE = "equity.json";

export async function loadEquity(dir: string): Promise<EquityTrack | null> {
  try {
    const e = JSON.parse(await Deno.readTextFile(join(dir, EQUITY_FILE)));
    return typeof e?.peak === "number" && typeof e?.dayStart === "number" ? e : null;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof SyntaxError) return null;
    throw err;
  }
}

async function setSwitch(core: LoopCore, ks: KillSwitch): Promise<void> {
  await saveKillSwitch(core.cfg.stateDir, ks);
  core.killSwitch = ks;
  const last = ks.events[ks.events.length - 1];
  if (core.journal && !core.journal.log.failed) await core.journal.record(REC.killSwitch, ks, null);
  core.counters.emit(ks.state === "HALTED" ? "warn" : "info", EV.killSwitch, {
    state: ks.state,
    action: last?.action,
    reason: last?.reason,
    by: last?.by,
    sinceMs: ks.sinceMs,
  });
  core.fire("kill_switch", ks);
}

/** Halts (an operator's engage, or a limit's trip); already HALTED: the event is recorded, reason kept. */
export async function haltSwitch(
  core: LoopCore,
  action: "engage" | "trip",
  reason: string,
  by: string,
): Promise<void> {
  await core.loadSwitch(); // an operator may halt before start() loaded the switch
  return setSwitch(core, engage(core.ks, { atMs: core.now(), action, reason, by }));
}

/**
 * Back to ACTIVE, the reset recorded with its time, reason and who. The operator's reset accepts the
 * drawdown so far: the peak restarts at the current equity (else the latch would trip again at once).
 * The day's loss is not forgiven: it counts until the UTC day ends.
 */
export async function resetSwitch(core: LoopCore, reason: string, by: string): Promise<void> {
  if (core.equity) {
    core.equity = { ...core.equity, peak: core.equity.equity };
    await saveEquity(core);
  }
  await core.loadSwitch();
  await setSwitch(core, reset(core.ks, core.now(), reason, by));
}

async function saveEquity(core: LoopCore): Promise<void> {
  await writeFileAtomic(join(core.cfg.stateDir, EQUITY_FILE), JSON.stringify(core.equity) + "\n", {
    durable: true,
  });
}

/**
 * Marks equity at the current marks; trips the switch (a latch) on a daily-loss or drawdown breach.
 * Returns whether it tripped now. No baseline or an unmarked holding: nothing to mark yet.
 */
export function markAndGuard(core: LoopCore): Promise<boolean> {
  // One at a time: a fill's mark and a bar's mark racing would both see ACTIVE and trip twice.
  const run = marking.get(core) ?? Promise.resolve(false);
  const next = run.catch(() => false).then(() => markOnce(core));
  marking.set(core, next);
  return next;
}
const marking = new WeakMap<LoopCore, Promise<boolean>>();

async function markOnce(core: LoopCore): Promise<boolean> {
  if (!core.journal || !core.baseline) return false;
  const expected = expectedHoldings(core.j.book, core.baseline, core.cfg.symbols);
  const eq = equityOf(expected, core.cfg.symbols, core.marks);
  if (eq === null) return false;
  core.equity = markEquity(core.equity, eq, core.now());
  await saveEquity(core);
  const breach = accountBreach(core.cfg.risk, core.equity);
  if (breach.ok || core.ks.state === "HALTED") return false;
  await haltSwitch(core, "trip", `${breach.reason}: ${breach.detail}`, "risk");
  return true;
}
