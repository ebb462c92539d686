// Appends sample ai_event v1 lines to a file: one open(append) + ONE write per line, so lines from
// concurrent writers never interleave and a rename rotation sends the next line to the new file.
import { dirname } from "node:path";
import { eventLine, makeEvent } from "./ai_event.ts";
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

const enc = new TextEncoder();

/** Appends one complete line with a single write; throws if the write came up short. */
export async function appendLine(path: string, line: string): Promise<void> {
  const bytes = enc.encode(line);
  const f = await Deno.open(path, { append: true, create: true });
  try {
    const n = await f.write(bytes);
    if (n !== bytes.length) throw new Error(`short write to ${path}: ${n} of ${bytes.length} bytes`);
  } finally {
    f.close();
  }
}

/** Writes the events (each checked against the shared schema); returns how many were written. */
export async function emitEvents(opts: EmitOptions): Promise<number> {
  await Deno.mkdir(dirname(opts.out), { recursive: true });
  const rand = seededRandom(opts.seed);
  let i = 0;
  for (; opts.n === 0 || i < opts.n; i++) {
    if (opts.signal?.aborted) break;
    const ev = makeEvent(sampleEvent(rand, i, opts.clock(i), opts.identity));
    await appendLine(opts.out, eventLine(ev));
    const last = opts.n !== 0 && i === opts.n - 1;
    if (opts.intervalMs > 0 && !last) await opts.sleep(opts.intervalMs, opts.signal);
  }
  return i;
}
