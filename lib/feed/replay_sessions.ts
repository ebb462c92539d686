// Capture sessions and recording gaps in a replay input, from the time of each frame alone (pure).
// A file may hold several captures one after another: time jumping back by more than the silence
// limit starts a new session, unless the time comes back within the next few frames (an old trade
// replayed on subscribe, frames out of order). Time jumping forward by more than the limit, with no
// frame in between, is a recording gap: nothing shows the connection was alive then.

export interface TimelineStep {
  /** Session index (0-based) this frame belongs to. */
  readonly session: number;
  /** The session clock after this frame (never goes back within a session; -Infinity before any time). */
  readonly clockMs: number;
  /** Set when this frame ends a recording gap that started at `gapFromMs` (the clock before it). */
  readonly gapFromMs?: number;
  /** Further than the limit from the clock, yet inside the session (the time comes back after it). */
  readonly straggler?: boolean;
}

/**
 * How many timed frames after a jump are searched for the time coming back: a few old trades replayed
 * on subscribe come back at once; a capture appended to the file runs on longer than this.
 */
export const LOOKAHEAD_FRAMES = 8;

/** `times`: each frame's time (receive time, or newest event time of a bare frame); NaN when none. */
export function timeline(times: readonly number[], maxSilenceMs: number): TimelineStep[] {
  const out: TimelineStep[] = [];
  let session = 0;
  let clock = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    if (t !== t || clock === Number.NEGATIVE_INFINITY) {
      if (t === t) clock = t;
      out.push({ session, clockMs: clock });
    } else if (t < clock - maxSilenceMs) {
      if (comesBack(times, i + 1, clock, maxSilenceMs)) {
        out.push({ session, clockMs: clock, straggler: true });
      } else {
        session++;
        clock = t;
        out.push({ session, clockMs: clock });
      }
    } else if (t > clock + maxSilenceMs) {
      if (comesBack(times, i + 1, clock, maxSilenceMs)) {
        out.push({ session, clockMs: clock, straggler: true }); // one frame from the future
        continue;
      }
      out.push({ session, clockMs: t, gapFromMs: clock });
      clock = t;
    } else {
      if (t > clock) clock = t;
      out.push({ session, clockMs: clock });
    }
  }
  return out;
}

/** Whether one of the next few timed frames is back within the limit of the clock. */
function comesBack(times: readonly number[], from: number, clock: number, maxSilenceMs: number): boolean {
  let seen = 0;
  for (let j = from; j < times.length && seen < LOOKAHEAD_FRAMES; j++) {
    const t = times[j];
    if (t !== t) continue;
    if (Math.abs(t - clock) <= maxSilenceMs) return true;
    seen++;
  }
  return false;
}
