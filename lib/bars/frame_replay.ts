// Replays recorded venue frames through the pipeline: frame -> mapFrame (the venue mapper) ->
// BarPipeline, with the recorded receive time as the feed clock. Conservation: every frame is
// tallied under exactly one kind, every event under exactly one verdict.
import type { MarketEvent, Venue } from "../market/types.ts";
import type { BarPipeline, EventVerdict } from "./bar_pipeline.ts";

/** The shape of lib/venues/registry.ts mapFrame (kept structural so this module stands alone). */
export type MapFrameFn = (
  venue: Venue,
  raw: string,
  receivedAtMs: number,
) => { readonly kind: string; readonly events: readonly MarketEvent[]; readonly reason?: string };

export interface RecordedFrame {
  readonly receivedAtMs: number;
  readonly raw: string;
}

export interface ReplayTally {
  frames: number;
  kinds: Record<string, number>;
  events: number;
  verdicts: Partial<Record<EventVerdict, number>>;
}

/** Drop reasons that mean the venue sent bad data (counted as invalid records). */
const INVALID_REASONS = new Set(["malformed_json", "invalid_value", "unexpected_shape"]);

export function replayFrames(
  frames: Iterable<RecordedFrame>,
  venue: Venue,
  mapFrame: MapFrameFn,
  pipeline: BarPipeline,
): ReplayTally {
  const tally: ReplayTally = { frames: 0, kinds: {}, events: 0, verdicts: {} };
  for (const f of frames) {
    pipeline.advance(f.receivedAtMs);
    const r = mapFrame(venue, f.raw, f.receivedAtMs);
    tally.frames++;
    tally.kinds[r.kind] = (tally.kinds[r.kind] ?? 0) + 1;
    if (r.kind === "dropped" && r.reason !== undefined && INVALID_REASONS.has(r.reason)) {
      pipeline.invalidFrame(venue);
    }
    for (const e of r.events) {
      tally.events++;
      const v = pipeline.event(e);
      tally.verdicts[v] = (tally.verdicts[v] ?? 0) + 1;
    }
  }
  return tally;
}

/** Parses a recording: JSON lines {"receivedAtMs": number, "raw": string}; throws naming the line. */
export function parseRecording(text: string): RecordedFrame[] {
  const out: RecordedFrame[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new SyntaxError(`line ${i + 1}: not valid JSON`);
    }
    const o = v as Partial<RecordedFrame> | null;
    if (o === null || typeof o !== "object" || !Number.isFinite(o.receivedAtMs)) {
      throw new SyntaxError(`line ${i + 1}: field "receivedAtMs" must be a finite number`);
    }
    if (typeof o.raw !== "string") throw new SyntaxError(`line ${i + 1}: field "raw" must be a string`);
    out.push({ receivedAtMs: o.receivedAtMs!, raw: o.raw });
  });
  return out;
}
