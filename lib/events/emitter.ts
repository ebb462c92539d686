// Appends sample ai_event v1 lines to a file through the one JSONL appender (lib/fs): the file is
// opened per line, so a rename rotation sends the next line to the new file.
import { dirname } from "node:path";
import { appendJsonl } from "../fs/jsonl_append.ts";
import { makeEvent } from "./ai_event.ts";
import { sampleEvent, type SampleIdentity, seededRandom } from "./sample_events.ts";

export interface EmitOptions {
  out: string;
  /** Events to write; 0 = until the signal aborts. */
  n: number;
  intervalMs: number;
  identity: SampleIdentity;
  seed: number;
  /** Event time of event `i` in epoch ms (injected: a fixed start makes output byte-identical). */
  clock: (i: number) => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
}

/** Writes the events (each checked against the shared schema); returns how many were written. */
export async function emitEvents(opts: EmitOptions): Promise<number> {
  await Deno.mkdir(dirname(opts.out), { recursive: true });
  const rand = seededRandom(opts.seed);
  let i = 0;
  for (; opts.n === 0 || i < opts.n; i++) {
    if (opts.signal?.aborted) break;
    const ev = makeEvent(sampleEvent(rand, i, opts.clock(i), opts.identity));
    await appendJsonl(opts.out, [ev]);
    const last = opts.n !== 0 && i === opts.n - 1;
    if (opts.intervalMs > 0 && !last) await opts.sleep(opts.intervalMs, opts.signal);
  }
  return i;
}
