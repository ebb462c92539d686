// A loop start the /health gate can judge on any machine: the simulator holds the loop's signed reads
// (execution chaos `holdSignedReads`) until /health has answered 503 with the start's reconciliation
// running and the simulator has logged a held read, then lets them go. The 503 window then lasts as long
// as the proof needs to see it, instead of the few ms a fast machine's reconciliation takes.
import type { CrashPoint } from "../live/core.ts";
import { fileLines, untilLine } from "./file_lines.ts";
import type { LiveRig, LoopStart } from "./live_rig.ts";

/** Starts the loop; a warm start (not the first) is held in its reconciliation until /health showed it. */
export async function startHeld(rig: LiveRig, crash: CrashPoint | null = null): Promise<LoopStart> {
  if (rig.starts.length === 0) return await rig.startLoop(crash);
  const { holdSignedReads: _, ...before } = rig.trading;
  const chaosLog = rig.path("venue/chaos_log.jsonl");
  const logged = (await fileLines(chaosLog)).length; // a held read logged after these is this start's
  await rig.chaos({ ...before, holdSignedReads: true });
  try {
    const s = await rig.startLoop(crash);
    await rig.sampleHealth(s, (h) => h.code === 503 && h.reconciliation === "running");
    await untilLine(chaosLog, "the simulator to hold the loop's reconciliation reads", (l) => {
      return l.includes('"kind":"read_held"');
    }, { fromLine: logged, timeoutMs: 30_000 });
    return s;
  } finally {
    // Released even when the start failed: the next one must not find the venue's reads stalled.
    await rig.chaos(before);
  }
}
