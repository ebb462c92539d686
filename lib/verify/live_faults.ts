// Did each case's fault really happen? Judged from the raw files, not from the case's own word: a crash
// case needs a loop start with its crash point that ended by SIGKILL, a chaos case the simulator's chaos
// log line of its kind, the drawdown drill a HALTED switch. A case that ran without its fault proves
// nothing, so it does not count as completed.

export interface FaultEvidence {
  /** Kinds in the simulator's chaos log (config lines aside). */
  readonly chaosKinds: ReadonlySet<string>;
  /** Loop starts: their crash point and how they ended. */
  readonly starts: readonly { crashPoint: string | null; exit?: { signal: string | null } | null }[];
  readonly killSwitchTripped: boolean;
  /**
   * Orders the OMS's log shows sent by a later run than their intent's, and placed at the venue: client id
   * -> the intent's correlation id (a case's orders carry its name, so another case's re-queue is not its).
   */
  readonly requeuedPlaced: ReadonlyMap<string, string>;
}

const killedAt = (point: string) => (e: FaultEvidence) =>
  e.starts.some((s) => s.crashPoint === point && s.exit?.signal === "SIGKILL");
const logged = (kind: string) => (e: FaultEvidence) => e.chaosKinds.has(kind);
const requeued = (corr: string) => (e: FaultEvidence) => [...e.requeuedPlaced.values()].includes(corr);

/** Case name -> the evidence its fault leaves, and how to say it is missing. */
export const FAULTS: Readonly<Record<string, { what: string; seen: (e: FaultEvidence) => boolean }>> = {
  crash_after_intent: { what: "no SIGKILL at after_intent", seen: killedAt("after_intent") },
  crash_after_send: { what: "no SIGKILL at after_send", seen: killedAt("after_send") },
  crash_after_ack: { what: "no SIGKILL at after_ack", seen: killedAt("after_ack") },
  crash_during_cancel: { what: "no SIGKILL at during_cancel", seen: killedAt("during_cancel") },
  crash_after_queued_intent: {
    what: "no SIGKILL at after_queued_intent, or no order placed by a later run than its intent's",
    seen: (e) => killedAt("after_queued_intent")(e) && requeued("crash_after_queued_intent")(e),
  },
  lost_ack: { what: "no ack_lost_placed in the chaos log", seen: logged("ack_lost_placed") },
  ack_5xx_unplaced: { what: "no ack_5xx_unplaced in the chaos log", seen: logged("ack_5xx_unplaced") },
  fill_stream_before_trades: { what: "no trades_lag in the chaos log", seen: logged("trades_lag") },
  storm_429: { what: "no storm_429 in the chaos log", seen: logged("storm_429") },
  user_stream_drop: { what: "no user_stream_drop in the chaos log", seen: logged("user_stream_drop") },
  orphan_order: { what: "no orphan_order in the chaos log", seen: logged("orphan_order") },
  order_vanished: { what: "no vanish in the chaos log", seen: logged("vanish") },
  drawdown_kill_switch: { what: "the kill switch never tripped", seen: (e) => e.killSwitchTripped },
};

/** Why a case does not count (null: it completed and its fault is on record). */
export function caseProblem(c: { name: string; ok: boolean }, e: FaultEvidence): string | null {
  if (!c.ok) return `${c.name} failed`;
  const f = FAULTS[c.name];
  if (!f) return `${c.name} is not a case of the matrix`;
  return f.seen(e) ? null : `${c.name}: ${f.what}`;
}
