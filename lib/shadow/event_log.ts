// The events file: append-only ai_event v1 JSON lines, each validated by the shared schema and written
// whole by the one JSONL appender (lib/fs); plus reading its tail back to find where a run stopped.
import { dirname } from "node:path";
import { type AiEvent, type AiEventInput, makeEvent } from "../events/ai_event.ts";
import { JsonlAppender } from "../fs/jsonl_append.ts";
import type { SeriesKey } from "./feed_schema.ts";
import { type Identity, type Resume, resumeFromDecision } from "./shadow_events.ts";

const enc = new TextEncoder();

export class EventWriter {
  readonly path: string;
  #out: JsonlAppender;

  private constructor(path: string, file: Deno.FsFile) {
    this.path = path;
    this.#out = new JsonlAppender(path, file);
  }

  /** Opens (creating dirs and file) for append; terminates a torn last line left by a crash. */
  static async open(path: string): Promise<EventWriter> {
    await Deno.mkdir(dirname(path), { recursive: true });
    const file = await Deno.open(path, { append: true, create: true, read: true });
    const size = (await file.stat()).size;
    if (size > 0) {
      const last = new Uint8Array(1);
      await file.seek(size - 1, Deno.SeekMode.Start);
      await file.read(last);
      // Without this the next event would be glued to the torn fragment and both lines lost.
      if (last[0] !== 10) file.writeSync(enc.encode("\n"));
    }
    return new EventWriter(path, file);
  }

  /** Validates against ai_event v1 (TypeError naming the field otherwise) and appends one line. */
  write(input: AiEventInput): AiEvent {
    const event = makeEvent(input);
    this.#out.append(event); // ShortWriteError rather than a line finished by a second write
    return event;
  }

  /** Flushes to disk (fdatasync) and closes. */
  close(): void {
    this.#out.close("data");
  }
}

/** Which decision lines belong to this instance: same run, component, source and series. */
export function isOurDecision(o: Record<string, unknown>, id: Identity, k: SeriesKey): boolean {
  return o.type === "decision" && o.run_id === id.run_id && o.component === id.component &&
    o.source === id.source && o.venue === k.venue && o.symbol === k.symbol && o.interval === k.interval;
}

/**
 * Scans the events file backwards in chunks for this instance's last decision and returns its resume
 * point; null when the file is missing or holds none. Unparseable lines are skipped, not fatal.
 */
export async function findResume(
  path: string,
  id: Identity,
  k: SeriesKey,
  chunkBytes = 64 * 1024,
): Promise<Resume | null> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
  try {
    let pos = (await file.stat()).size;
    let carry = new Uint8Array(0); // bytes of a line split across chunk boundaries
    const dec = new TextDecoder();
    while (pos > 0) {
      const n = Math.min(chunkBytes, pos);
      pos -= n;
      const buf = new Uint8Array(n + carry.length);
      await file.seek(pos, Deno.SeekMode.Start);
      let got = 0;
      while (got < n) {
        const r = await file.read(buf.subarray(got, n));
        if (r === null) break;
        got += r;
      }
      buf.set(carry, n);
      // The first line of this chunk may continue in the previous chunk: keep it for the next round.
      const firstNl = pos > 0 ? buf.indexOf(10) : -1;
      const lines = dec.decode(buf.subarray(firstNl + 1)).split("\n");
      carry = firstNl >= 0 ? buf.slice(0, firstNl + 1) : new Uint8Array(0);
      if (pos > 0 && firstNl < 0) {
        carry = buf;
        continue;
      }
      for (let i = lines.length - 1; i >= 0; i--) {
        const hit = resumeFromLine(lines[i], id, k);
        if (hit) return hit;
      }
    }
    return null;
  } finally {
    file.close();
  }
}

function resumeFromLine(line: string, id: Identity, k: SeriesKey): Resume | null {
  // Cheap check before JSON.parse: only decision lines matter.
  if (!line.includes('"decision"')) return null;
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof o !== "object" || o === null || !isOurDecision(o as Record<string, unknown>, id, k)) return null;
  return resumeFromDecision(o);
}
