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
export function haltSwitch(
  core: LoopCore,
  action: "engage" | "trip",
  reason: string,
  by: string,
): Promise<void> {
  return setSwitch(core, engage(core.killSwitch, { atMs: core.now(), action, reason, by }));
}

/** Back to ACTIVE, the reset recorded with its time, reason and who. */
export function resetSwitch(core: LoopCore, reason: string, by: string): Promise<void> {
  return setSwitch(core, reset(core.killSwitch, core.now(), reason, by));
}

/**
 * Marks equity at the current marks; trips the switch (a latch) on a daily-loss or drawdown breach.
 * Returns whether it tripped now. No baseline or an unmarked holding: nothing to mark yet.
 */
export async function markAndGuard(core: LoopCore): Promise<boolean> {
  if (!core.journal || !core.baseline) return false;
  const expected = expectedHoldings(core.j.book, core.baseline, core.cfg.symbols);
  const eq = equityOf(expected, core.cfg.symbols, core.marks);
  if (eq === null) return false;
  core.equity = markEquity(core.equity, eq, core.now());
  await writeFileAtomic(join(core.cfg.stateDir, EQUITY_FILE), JSON.stringify(core.equity) + "\n");
  const breach = accountBreach(core.cfg.risk, core.equity);
  if (breach.ok || core.killSwitch.state === "HALTED") return false;
  await haltSwitch(core, "trip", `${breach.reason}: ${breach.detail}`, "risk");
  return true;
}
