#!/usr/bin/env -S deno run -A
// task replay: runs recorded data through the feed's core offline.
//   --bars FILE                 features stage only, on OHLCV bars -> one JSON line per bar
//   --venue V --input FILE      recorded venue frames -> mapper -> bars -> features -> ClosedBar lines
import { EXIT, parseFlags, run, UsageError } from "../lib/cli/main.ts";
import { type Venue, VENUES } from "../lib/market/types.ts";
import { FEATURE_KEYS, FeatureSet } from "../lib/features/feature_set.ts";
import { BarFileError, parseOhlcvFile } from "../lib/features/ohlcv_file.ts";
import { replayVenueFile } from "../lib/feed/replay_cli.ts";

const HELP = `Usage: ./tp replay --bars FILE
       deno task replay --venue V --input FILE [--grace-ms N] [--max-silence-ms N] [--emit bars|trades]
                        [--flush] [--store DB]

--bars FILE    OHLCV bars {t,o,h,l,c,v} (t = open time, ms): a JSON array, an object with a "bars"
               array, or JSON lines. Prints one JSON line per bar: {"t", ema_12, ema_26, sma_20,
               rsi_14, atr_14, vwap_session_utc} (null during warm-up, TA-Lib conventions).
--venue V      ${VENUES.join("|")}: replay frames of that venue through the feed's pipeline (mapper,
--input FILE   de-duplication, bars, features). FILE is JSON lines: the feed's --record output
               {"venue","conn","receivedAtMs","frame"} (other venues' lines skipped), {"receivedAtMs",
               "raw"}, or bare venue frames one per line (captures of other tools: a bare frame's
               receive time is its own event time). Time going back starts a new capture session
               (its own bars; duplicates are found across sessions). Prints each ClosedBar as a JSON
               line; the tally (sessions, trades per symbol, recording gaps, dropped by reason) and
               the data-quality counters go to stderr as one JSON line.
--emit WHAT    bars (default) or trades: every normalised trade, in input order, one per line {venue,
               symbol, tradeId, price, size, side, venueTimeMs, receivedAtMs}, whether or not the bars
               could use it; only duplicates (venue, symbol, trade id) and invalid records are left out.
--flush        close the bars still open at the end of each session (none after its last data).
--store DB     upsert the closed bars (with features) into this DuckDB file instead of printing.
--grace-ms N   bar close grace on the recorded clock (default 2000).
--max-silence-ms N
               a stretch longer than N with no frame at all is a recording gap: its intervals are
               gaps (counted), never flat bars (default 60000 for bare frames; 3601000 for recordings
               with receive times, longer than any stale timeout the feed can run with).

Exit: 0 ok, 2 bad flags or bad input (one line naming the line/index and field).`;

export async function main(args: string[]): Promise<number> {
  const parsed = parseFlags(args, {
    help: HELP,
    options: {
      bars: { type: "string" },
      venue: { type: "string" },
      input: { type: "string" },
      "grace-ms": { type: "string" },
      "max-silence-ms": { type: "string" },
      // --venue mode (lib/feed/replay_cli.ts): what to print, closing open bars, storing.
      emit: { type: "string" },
      flush: { type: "boolean" },
      store: { type: "string" },
    },
  });
  if (!parsed) return EXIT.OK;
  const { bars, venue, input } = parsed.values;
  if (bars !== undefined && (venue !== undefined || input !== undefined)) {
    throw new UsageError("--bars cannot be combined with --venue/--input");
  }
  if (bars !== undefined) return await replayBars(bars);
  if (venue !== undefined || input !== undefined) {
    if (venue === undefined || input === undefined) throw new UsageError("--venue and --input go together");
    if (!(VENUES as readonly string[]).includes(venue)) {
      throw new UsageError(`--venue must be one of ${VENUES.join(", ")}, got "${venue}"`);
    }
    const grace = parsed.values["grace-ms"];
    const graceMs = grace === undefined ? 2000 : Number(grace);
    if (!Number.isInteger(graceMs) || graceMs < 0) {
      throw new UsageError(`--grace-ms must be a whole number >= 0`);
    }
    const silence = parsed.values["max-silence-ms"];
    const maxSilenceMs = silence === undefined ? undefined : Number(silence);
    if (maxSilenceMs !== undefined && (!Number.isInteger(maxSilenceMs) || maxSilenceMs <= 0)) {
      throw new UsageError(`--max-silence-ms must be a whole number > 0`);
    }
    const { emit, flush, store } = parsed.values;
    return await replayVenueFile({ venue: venue as Venue, input, graceMs, maxSilenceMs, emit, flush, store });
  }
  throw new UsageError("give --bars FILE or --venue V --input FILE (see --help)");
}

async function readInput(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function replayBars(path: string): Promise<number> {
  let bars;
  try {
    bars = parseOhlcvFile(await readInput(path));
  } catch (err) {
    if (err instanceof BarFileError) throw new UsageError(`${path}: ${err.message}`);
    throw err;
  }
  const fs = new FeatureSet();
  const lines: string[] = [];
  for (const b of bars) {
    const f = fs.update(b);
    const row: Record<string, number | null> = { t: b.openTimeMs };
    for (const k of FEATURE_KEYS) row[k] = f[k];
    lines.push(JSON.stringify(row));
  }
  await write(lines);
  return EXIT.OK;
}

async function write(lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  const bytes = new TextEncoder().encode(lines.join("\n") + "\n");
  try {
    for (let off = 0; off < bytes.length;) off += await Deno.stdout.write(bytes.subarray(off));
  } catch (err) {
    if (!(err instanceof Deno.errors.BrokenPipe)) throw err; // `| head` closed the pipe: fine
  }
}

if (import.meta.main) Deno.exit(await run("replay", main));
