// A large events file for the exporter bench and the flat-scan test: several writers taking turns in
// bursts, about 1% bad lines, reproducible from a seed.
import { sampleEvent, seededRandom } from "../lib/events/sample_events.ts";

const WRITERS = [
  { runId: "shadow-2026-01-01.a", component: "shadow_strategy", source: "strategy" },
  { runId: "shadow-2026-01-01.a", component: "risk_gate", source: "risk" },
  { runId: "shadow-2026-01-01.b", component: "shadow_strategy", source: "strategy" },
  { runId: "replay-17", component: "shadow_strategy", source: "replay" },
];
const BAD = [
  '{"ts":"2026-01-01T00:00:00Z","type":"decision","run_id":"x"', // cut short
  "not json",
  '{"ts":"2026-01-01T00:00:00Z","type":"order_fill","run_id":"r","component":"c","source":"s"}',
  '{"ts":"yesterday","type":"decision","run_id":"r","component":"c","source":"s"}',
];

/** Writes `lines` event lines: several writers taking turns in bursts, about 1% bad lines. */
export async function writeBenchFile(path: string, lines: number, seed = 1): Promise<number> {
  const rand = seededRandom(seed);
  const f = await Deno.open(path, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  let w = 0, bytes = 0, buf = "";
  for (let i = 0; i < lines; i++) {
    if (rand() < 0.1) w = Math.floor(rand() * WRITERS.length);
    buf += rand() < 0.01
      ? BAD[i % BAD.length] + "\n"
      : JSON.stringify(sampleEvent(rand, i, 1767225600000 + i * 3, WRITERS[w])) + "\n";
    if (buf.length > 1 << 20 || i === lines - 1) {
      const b = enc.encode(buf);
      for (let off = 0; off < b.length;) off += await f.write(b.subarray(off));
      bytes += b.length;
      buf = "";
    }
  }
  f.close();
  return bytes;
}
