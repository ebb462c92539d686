// The one retry delay: capped exponential backoff, ceiling = min(max, base·2^attempt), with the
// jitter each caller needs (AWS architecture blog, "Exponential Backoff And Jitter"):
//   full  — whole ms in [0, ceiling): venue reconnects, where many clients must spread out;
//   equal — ceiling·(0.5 + r/2), rounded: the shadow's feed reconnects, never sooner than half;
//   none  — the ceiling itself: REST retries and waiting for the simulator's clock.
// Pure: the random source is a parameter so tests pin the sequence.

export interface Backoff {
  readonly baseMs: number;
  /** Cap on the ceiling; Infinity for an uncapped doubling (callers that bound attempts instead). */
  readonly maxMs: number;
  readonly jitter: "full" | "equal" | "none";
}

/** Delay before retry `attempt` (0 = first retry). A broken random source (NaN, out of [0, 1]) is clamped. */
export function backoffDelayMs(attempt: number, b: Backoff, random: () => number = Math.random): number {
  // 2^1023 is the largest finite power: past it base·2^n would be Infinity (or NaN for base 0).
  const ceiling = Math.min(b.maxMs, b.baseMs * 2 ** Math.min(Math.max(0, attempt), 1023));
  if (b.jitter === "none") return ceiling;
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 1;
  return b.jitter === "full" ? Math.floor(unit * ceiling) : Math.round(ceiling * (0.5 + unit / 2));
}
