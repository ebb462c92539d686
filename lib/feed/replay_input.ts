// Replay input: the lines of one venue and their frames. A line is the feed's recording
// {"venue","conn","receivedAtMs","frame"}, the older {"receivedAtMs","raw"}, or a bare venue frame
// (anything else). A bare frame has no receive time: its events are stamped with their own venue time.
import type { MarketEvent, Venue } from "../market/types.ts";
import type { MapResult } from "../venues/adapter.ts";
import { mapFrame } from "../venues/registry.ts";
import type { ReplayTally } from "./replay_tally.ts";

export interface Line {
  readonly raw: string;
  /** Recorded receive time, or null for a bare frame. */
  readonly receivedAtMs: number | null;
  /** From the feed's own recorder (its start interval was a gap live, so it is one here too). */
  readonly feedRecording: boolean;
  readonly venue?: string;
}

/** Classifies one input line; bare frames (anything else, even broken JSON) are frames themselves. */
export function readLine(line: string): Line {
  if (line.startsWith("{") && line.includes('"receivedAtMs"')) {
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch { /* a bare frame that happens to mention receivedAtMs */ }
    if (o !== null && typeof o === "object") {
      const r = o as Record<string, unknown>;
      const t = r.receivedAtMs;
      if (typeof t === "number" && Number.isFinite(t)) {
        const venue = typeof r.venue === "string" ? r.venue : undefined;
        if (typeof r.frame === "string") return { raw: r.frame, receivedAtMs: t, feedRecording: true, venue };
        if (typeof r.raw === "string") return { raw: r.raw, receivedAtMs: t, feedRecording: false, venue };
      }
    }
  }
  return { raw: line, receivedAtMs: null, feedRecording: false };
}

export interface Frame {
  readonly line: Line;
  readonly r: MapResult;
  readonly events: readonly MarketEvent[];
  /** Receive time, or the newest venue time of a bare frame's events; NaN when it has none. */
  readonly timeMs: number;
}

/** The input lines of this venue, in order; lines of another venue are counted in the tally. */
export function* venueLines(text: string, venue: Venue, tally?: ReplayTally): Generator<Line> {
  for (let at = 0; at < text.length;) {
    let end = text.indexOf("\n", at);
    if (end < 0) end = text.length;
    const text1 = text.slice(at, end);
    at = end + 1;
    if (text1.trim() === "") continue;
    const line = readLine(text1);
    if (line.venue !== undefined && line.venue !== venue) {
      if (tally) tally.otherVenue = (tally.otherVenue ?? 0) + 1;
      continue;
    }
    yield line;
  }
}

const newest = (events: readonly MarketEvent[]) => {
  let t = Number.NaN;
  for (const e of events) if (e.venueTimeMs > 0 && !(e.venueTimeMs <= t)) t = e.venueTimeMs;
  return t;
};

/** Maps one line; a bare frame's events get their own venue time as receive time. */
export function frameOf(line: Line, venue: Venue): Frame {
  if (line.receivedAtMs !== null) {
    const r = mapFrame(venue, line.raw, line.receivedAtMs);
    return { line, r, events: r.events, timeMs: line.receivedAtMs };
  }
  const r = mapFrame(venue, line.raw, 0);
  const events = r.events.map((e) => ({ ...e, receivedAtMs: e.venueTimeMs }));
  return { line, r, events, timeMs: newest(r.events) };
}

/** A line's time alone (receive time, or the newest venue time of a bare frame; NaN when none). */
export function timeOf(line: Line, venue: Venue): number {
  return line.receivedAtMs ?? newest(mapFrame(venue, line.raw, 0).events);
}
