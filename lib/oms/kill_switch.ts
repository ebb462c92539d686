// The kill switch: ACTIVE, or HALTED with a reason and since when, and its last events. A latch: once
// engaged (by an operator, or tripped by the daily-loss or drawdown limit) it stays HALTED across
// restarts until an explicit reset. Persisted durably in the state dir; a file that cannot be read
// loads as HALTED (fail safe), never as ACTIVE. While HALTED only cancels and reduce-only orders pass.
import { join } from "node:path";
import { writeFileAtomic } from "../fs/atomic.ts";
import { listRuns, runPath } from "./boot.ts";
import { readLog } from "./log_record.ts";
import { REC } from "./records.ts";

export const KILL_SWITCH_FILE = "kill_switch.json";
const KEEP_EVENTS = 20;

export interface KillSwitchEvent {
  readonly atMs: number;
  readonly action: "engage" | "trip" | "reset";
  readonly reason: string;
  /** Who: "admin", "risk", "boot". */
  readonly by: string;
}

export interface KillSwitch {
  readonly state: "ACTIVE" | "HALTED";
  readonly reason: string | null;
  readonly sinceMs: number | null;
  /** The last events, oldest first. */
  readonly events: readonly KillSwitchEvent[];
}

export const ACTIVE_SWITCH: KillSwitch = { state: "ACTIVE", reason: null, sinceMs: null, events: [] };

const push = (ks: KillSwitch, e: KillSwitchEvent) => [...ks.events, e].slice(-KEEP_EVENTS);

/**
 * Halts (action "engage" by an operator, "trip" by a risk limit). Already HALTED: the first reason
 * and time stand, the event is still recorded.
 */
export function engage(ks: KillSwitch, e: KillSwitchEvent): KillSwitch {
  if (e.action === "reset") throw new RangeError("Cannot engage with a reset event");
  if (ks.state === "HALTED") return { ...ks, events: push(ks, e) };
  return { state: "HALTED", reason: e.reason, sinceMs: e.atMs, events: push(ks, e) };
}

/** Back to ACTIVE (the reset recorded with its time and reason); a no-op event when already ACTIVE. */
export function reset(ks: KillSwitch, atMs: number, reason: string, by: string): KillSwitch {
  return {
    state: "ACTIVE",
    reason: null,
    sinceMs: null,
    events: push(ks, { atMs, action: "reset", reason, by }),
  };
}

export type Gate = { readonly ok: true } | {
  readonly ok: false;
  readonly reason: "TRADING_HALTED";
  readonly detail: string;
};

/** May this command pass the switch? Cancels always; a new order when ACTIVE, or when it only reduces. */
export function mayPass(
  ks: KillSwitch,
  cmd: { readonly kind: "cancel" } | { readonly kind: "place"; readonly reducing: boolean },
): Gate {
  if (ks.state === "ACTIVE" || cmd.kind === "cancel" || cmd.reducing) return { ok: true };
  return { ok: false, reason: "TRADING_HALTED", detail: `kill switch HALTED: ${ks.reason}` };
}

/** The switch in `text`, or why it is not one. */
export function parseKillSwitch(text: string): KillSwitch | string {
  let o: KillSwitch;
  try {
    o = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  const okState = o?.state === "ACTIVE" || (o?.state === "HALTED" && typeof o.reason === "string" &&
    typeof o.sinceMs === "number");
  if (!okState || !Array.isArray(o.events)) return "not a kill switch state";
  return o;
}

export async function saveKillSwitch(dir: string, ks: KillSwitch): Promise<void> {
  await writeFileAtomic(join(dir, KILL_SWITCH_FILE), JSON.stringify(ks) + "\n", { durable: true });
}

/**
 * The switch as of the event log's last kill_switch record (the loop records every change after
 * saving the file), newest run first; null when no run recorded one.
 */
async function switchFromLog(dir: string): Promise<KillSwitch | null> {
  const runs = await listRuns(dir);
  for (let i = runs.length - 1; i >= 0; i--) {
    const recs = readLog(await Deno.readFile(runPath(dir, runs[i]))).records;
    for (let j = recs.length - 1; j >= 0; j--) {
      if (recs[j].type !== REC.killSwitch) continue;
      const r = parseKillSwitch(JSON.stringify(recs[j].data));
      if (typeof r !== "string") return r;
    }
  }
  return null;
}

/**
 * The persisted switch; no file: the event log's last kill-switch record (a deleted file must not
 * un-halt the loop), none either (a fresh dir, or never changed): ACTIVE. Unreadable: HALTED at `nowMs` with the problem as reason
 * (an operator resets it after a look), and `problem` says what was wrong.
 */
export async function loadKillSwitch(
  dir: string,
  nowMs: number,
): Promise<{ readonly ks: KillSwitch; readonly problem: string | null }> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(dir, KILL_SWITCH_FILE));
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
    const logged = await switchFromLog(dir);
    if (logged === null) return { ks: ACTIVE_SWITCH, problem: null };
    return { ks: logged, problem: `${KILL_SWITCH_FILE} missing: ${logged.state} from the event log` };
  }
  const r = parseKillSwitch(text);
  if (typeof r !== "string") return { ks: r, problem: null };
  const problem = `${KILL_SWITCH_FILE}: ${r}`;
  const ks = engage(ACTIVE_SWITCH, {
    atMs: nowMs,
    action: "engage",
    reason: `unreadable state: ${problem}`,
    by: "boot",
  });
  return { ks, problem };
}
