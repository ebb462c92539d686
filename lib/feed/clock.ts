// The feed clock: wall time live; the simulator's clock when the venues are simulated, so bars
// close on simulated time (a 60x simulator closes a 1m bar every wall second). The simulator's clock
// is followed, not read once: a paused, restarted or re-sped simulator is seen at the next sync, and
// a change beyond JUMP_WALL_MS is reported as a jump (a new timeline) instead of drifting the bars.
import { z } from "zod";

export interface ClockJump {
  readonly direction: "backward" | "forward";
  /** The feed clock's estimate just before the sync, and the venue's clock it was corrected to. */
  readonly fromMs: number;
  readonly toMs: number;
  readonly speedFrom: number;
  readonly speedTo: number;
}

export interface FeedClock {
  readonly kind: "wall" | "sim";
  readonly speed: number;
  now(): number;
  /** Followed clocks only: reads the source again; resolves with a jump beyond the bound, else null. */
  sync?(signal?: AbortSignal): Promise<ClockJump | null>;
}

export const wallClock: FeedClock = { kind: "wall", speed: 1, now: () => Date.now() };

const SimClockSchema = z.object({ simNowMs: z.number(), speed: z.number().positive() });

/** A reading of the simulator's clock: simulated `simMs` at wall `wallMs`, running `speed` x. */
interface Anchor {
  readonly simMs: number;
  readonly wallMs: number;
  readonly speed: number;
}

/** A correction larger than this (wall ms; sim ms divided by the speed) is a jump, not drift. */
export const JUMP_WALL_MS = 2000;

async function readSimClock(
  url: string,
  f: typeof fetch,
  wallNow: () => number,
  signal?: AbortSignal,
): Promise<Anchor> {
  const before = wallNow();
  const timeout = AbortSignal.timeout(5000);
  const res = await f(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`GET ${url} answered HTTP ${res.status}`);
  }
  const body = SimClockSchema.parse(await res.json());
  // Half the round trip is the best local estimate of when the server read its clock.
  return { simMs: body.simNowMs, wallMs: (before + wallNow()) / 2, speed: body.speed };
}

/** The simulator's clock, extrapolated between syncs: simNow = simMs + (wallNow - wallMs) * speed. */
export class FollowedClock implements FeedClock {
  readonly kind = "sim" as const;
  readonly jumps = { backward: 0, forward: 0 };
  syncs = 0;
  syncFailures = 0;
  lastJump: (ClockJump & { atWallMs: number }) | null = null;
  #anchor: Anchor;
  /** now() never goes back within one timeline: a small backward correction waits instead. */
  #last = Number.NEGATIVE_INFINITY;

  constructor(
    anchor: Anchor,
    private readonly url: string,
    private readonly f: typeof fetch,
    private readonly wallNow: () => number,
    private readonly jumpWallMs = JUMP_WALL_MS,
  ) {
    this.#anchor = anchor;
  }

  get speed(): number {
    return this.#anchor.speed;
  }

  now(): number {
    const a = this.#anchor;
    const t = a.simMs + (this.wallNow() - a.wallMs) * a.speed;
    if (t > this.#last) this.#last = t;
    return this.#last;
  }

  async sync(signal?: AbortSignal): Promise<ClockJump | null> {
    let next: Anchor;
    try {
      next = await readSimClock(this.url, this.f, this.wallNow, signal);
    } catch (err) {
      this.syncFailures++;
      throw err;
    }
    this.syncs++;
    const old = this.#anchor;
    const expected = Math.max(this.#last, old.simMs + (next.wallMs - old.wallMs) * old.speed);
    const offsetMs = next.simMs - expected;
    this.#anchor = next;
    if (next.speed === old.speed && Math.abs(offsetMs) <= this.jumpWallMs * next.speed) return null;
    // A new timeline: the clock may go back, once.
    this.#last = Number.NEGATIVE_INFINITY;
    const jump: ClockJump = {
      direction: offsetMs < 0 ? "backward" : "forward",
      fromMs: Math.floor(expected),
      toMs: Math.floor(next.simMs),
      speedFrom: old.speed,
      speedTo: next.speed,
    };
    this.jumps[jump.direction]++;
    this.lastJump = { ...jump, atWallMs: this.wallNow() };
    return jump;
  }
}

/** Reads GET /sim/clock and follows it from then on (call sync() to re-read it). */
export async function simClock(
  url: string,
  f: typeof fetch = fetch,
  wallNow: () => number = Date.now,
  jumpWallMs = JUMP_WALL_MS,
): Promise<FollowedClock> {
  return new FollowedClock(await readSimClock(url, f, wallNow), url, f, wallNow, jumpWallMs);
}
