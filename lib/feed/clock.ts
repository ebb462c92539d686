// The feed clock: wall time live; the simulator's clock when the venues are simulated, so bars
// close on simulated time (a 60x simulator closes a 1m bar every wall second).
import { z } from "zod";

export interface FeedClock {
  readonly kind: "wall" | "sim";
  readonly speed: number;
  now(): number;
}

export const wallClock: FeedClock = { kind: "wall", speed: 1, now: () => Date.now() };

const SimClockSchema = z.object({ simNowMs: z.number(), speed: z.number().positive() });

/** Reads GET /sim/clock once and extrapolates: simNow = simNowMs + (wallNow - fetchedAt) * speed. */
export async function simClock(
  url: string,
  f: typeof fetch = fetch,
  wallNow: () => number = Date.now,
): Promise<FeedClock> {
  const before = wallNow();
  const res = await f(url, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`GET ${url} answered HTTP ${res.status}`);
  const body = SimClockSchema.parse(await res.json());
  // Half the round trip is the best local estimate of when the server read its clock.
  const at = (before + wallNow()) / 2;
  return { kind: "sim", speed: body.speed, now: () => body.simNowMs + (wallNow() - at) * body.speed };
}
