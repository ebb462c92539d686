// The kill switch as the admin API drives it: read, engage, reset. The loop implements this (it also
// records each change in its event log); persistedKillSwitch is the plain file-backed one over
// lib/oms/kill_switch.ts, durable before it answers, for a shell without a loop and for tests.
import {
  engage,
  type KillSwitch,
  type KillSwitchEvent,
  loadKillSwitch,
  reset,
  saveKillSwitch,
} from "../oms/kill_switch.ts";

export interface KillSwitchControl {
  /** null while not loaded yet (the loop's before its start() reads the file). */
  state(): KillSwitch | null;
  /** HALTED with `reason` (the first reason stands when already halted); durable when it resolves. */
  engage(reason: string, by: string): Promise<KillSwitch>;
  /** Back to ACTIVE, the reset event with its time and reason recorded; durable when it resolves. */
  reset(reason: string, by: string): Promise<KillSwitch>;
}

/** A control over the switch file in `dir`; `onChange` sees each new state with the event that made it. */
export async function persistedKillSwitch(
  dir: string,
  now: () => number,
  onChange: (ks: KillSwitch, e: KillSwitchEvent) => void = () => {},
): Promise<KillSwitchControl & { readonly loadProblem: string | null }> {
  const loaded = await loadKillSwitch(dir, now());
  let ks = loaded.ks;
  // One change at a time, so two admin calls never interleave their writes.
  let chain: Promise<unknown> = Promise.resolve();
  const change = (next: (cur: KillSwitch) => KillSwitch): Promise<KillSwitch> => {
    const run = chain.then(async () => {
      const updated = next(ks);
      await saveKillSwitch(dir, updated);
      ks = updated;
      onChange(ks, ks.events[ks.events.length - 1]);
      return ks;
    });
    chain = run.catch(() => {});
    return run;
  };
  // An unreadable file loads HALTED (fail safe) and stays on disk as it is until the next change.
  return {
    loadProblem: loaded.problem,
    state: () => ks,
    engage: (reason, by) => change((cur) => engage(cur, { atMs: now(), action: "engage", reason, by })),
    reset: (reason, by) => change((cur) => reset(cur, now(), reason, by)),
  };
}
