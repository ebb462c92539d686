// Seeded, realistic ai_event v1 samples for the emitter, fixtures and the benchmark: decisions with
// latency (the majority, and always first), actions, heartbeats. Pure: time and randomness come in.
import { mulberry32 } from "../util/mulberry32.ts";
import { type AiEvent } from "./ai_event.ts";

/** The emitter's seeded PRNG: same seed, same sequence. */
export const seededRandom: (seed: number) => () => number = mulberry32;

export interface SampleIdentity {
  runId: string;
  component: string;
  source: string;
}

const SYMBOLS = ["BTC-USDT", "ETH-USDT"] as const;
const DECISIONS = ["buy", "sell", "hold"] as const;
const ACTIONS = ["place_order", "cancel_order", "close_position"] as const;

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)];
}

/**
 * Event number `i` (0-based) at `tsMs`: event 0 is a decision; after that about 70% decisions,
 * 20% actions, 10% heartbeats. Latency is log-uniform over ~0.5-8000 ms so every bucket fills.
 */
export function sampleEvent(rand: () => number, i: number, tsMs: number, id: SampleIdentity): AiEvent {
  const ts = new Date(tsMs).toISOString();
  const { runId, component, source } = id;
  const r = i === 0 ? 0 : rand();
  // Field order follows the contract (ts, type, run_id, component, source, ...) in every line.
  if (r < 0.7) {
    const latency = Math.round(Math.exp(Math.log(0.5) + rand() * Math.log(16000)) * 100) / 100;
    return {
      ts,
      type: "decision",
      run_id: runId,
      component,
      source,
      symbol: pick(rand, SYMBOLS),
      decision: pick(rand, DECISIONS),
      latency_ms: latency,
      confidence: Math.round(rand() * 1000) / 1000,
    };
  }
  if (r < 0.9) {
    return {
      ts,
      type: "action",
      run_id: runId,
      component,
      source,
      symbol: pick(rand, SYMBOLS),
      action: pick(rand, ACTIONS),
      qty: Math.round(rand() * 100000) / 100000,
    };
  }
  return { ts, type: "heartbeat", run_id: runId, component, source };
}
