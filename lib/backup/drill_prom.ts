// backup.prom: the backup drill's age for node-exporter's textfile collector, so an on-call check can
// say "no verified backup for N hours". A failed drill moves the last run but keeps the last success
// from the previous file; 0 until a drill ever passed (its age is then as large as it gets, never
// absent, so a check on it fires instead of seeing nothing). Pure; written with lib/prom/textfile.ts.
import type { GaugeSample } from "../prom/textfile.ts";

export const BACKUP_PROM_FILE = "backup.prom";
export const LAST_RUN = "backup_drill_last_run_timestamp_seconds";
export const LAST_SUCCESS = "backup_drill_last_success_timestamp_seconds";

/** The last success a previous backup.prom recorded (0 when none, or no file). */
export function previousSuccess(text: string): number {
  const m = new RegExp(`^${LAST_SUCCESS} (\\S+)$`, "m").exec(text);
  const v = m ? Number(m[1]) : 0;
  return Number.isFinite(v) && v > 0 ? v : 0;
}

/** This drill's gauges: its run now, and its success now when it passed, else the previous one. */
export function drillSamples(passed: boolean, nowMs: number, previousText: string): GaugeSample[] {
  const now = nowMs / 1000;
  return [
    { name: LAST_RUN, help: "When the backup drill last ran (Unix time).", value: now },
    {
      name: LAST_SUCCESS,
      help: "When a backup drill last passed: a backup made, restored into scratch and verified (Unix " +
        "time; 0 until one passed).",
      value: passed ? now : previousSuccess(previousText),
    },
  ];
}
