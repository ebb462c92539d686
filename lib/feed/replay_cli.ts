// The I/O around replayText for `replay --venue V --input FILE`: read the input, then write closed
// bars or trades as JSON lines to stdout, or upsert the bars into a DuckDB store; the tally (sessions,
// trades per symbol, recording gaps, dropped by reason, frames by kind, events by bar-stage verdict)
// and the data-quality counters go to stderr as one JSON line.
import { ConfigError } from "../util/errors.ts";
import type { ClosedBar, Venue } from "../market/types.ts";
import { BarStore } from "../store/bar_store.ts";
import { replayText, tradeLine } from "./replay_frames.ts";

export interface ReplayCliOptions {
  readonly venue: Venue;
  readonly input: string;
  readonly graceMs: number;
  /** See ReplayOptions.maxSilenceMs. */
  readonly maxSilenceMs?: number;
  /** "bars" (default) or "trades". */
  readonly emit?: string;
  readonly flush?: boolean;
  /** Upsert the closed bars into this DuckDB file instead of printing them. */
  readonly store?: string;
  readonly write?: (text: string) => Promise<void>;
}

export async function replayVenueFile(opts: ReplayCliOptions): Promise<number> {
  const emit = opts.emit ?? "bars";
  if (emit !== "bars" && emit !== "trades") {
    throw new ConfigError(`--emit must be bars or trades, got "${emit}"`);
  }
  if (opts.store !== undefined && emit === "trades") {
    throw new ConfigError("--store keeps bars: drop --emit trades");
  }
  let text: string;
  try {
    text = await Deno.readTextFile(opts.input);
  } catch (err) {
    throw new ConfigError(`cannot read ${opts.input}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const lines: string[] = [];
  const bars: ClosedBar[] = [];
  const r = replayText(text, {
    venue: opts.venue,
    graceMs: opts.graceMs,
    maxSilenceMs: opts.maxSilenceMs,
    flush: opts.flush,
    onBar: (b) => opts.store !== undefined ? bars.push(b) : emit === "bars" && lines.push(JSON.stringify(b)),
    onTrade: emit === "trades" ? (t) => lines.push(tradeLine(t)) : undefined,
  });
  if (opts.store !== undefined) {
    const store = await BarStore.open(opts.store);
    try {
      await store.upsertBars(bars);
    } finally {
      await store.close();
    }
  }
  await (opts.write ?? writeStdout)(lines.length ? lines.join("\n") + "\n" : "");
  console.error(JSON.stringify({ tally: r.tally, dq: r.dq, ...(opts.store ? { stored: bars.length } : {}) }));
  return 0;
}

async function writeStdout(text: string): Promise<void> {
  if (text === "") return;
  const bytes = new TextEncoder().encode(text);
  try {
    for (let off = 0; off < bytes.length;) off += await Deno.stdout.write(bytes.subarray(off));
  } catch (err) {
    if (!(err instanceof Deno.errors.BrokenPipe)) throw err; // `| head` closed the pipe: fine
  }
}
