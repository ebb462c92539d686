// A timer source the test drives: nothing fires until advance(ms), which runs every due timer in
// time order (intervals as often as they fall due). For lib/feed/scheduler.ts's TimerSource.
import type { TimerSource } from "../lib/feed/scheduler.ts";

interface Pending {
  readonly f: () => void;
  dueMs: number;
  /** Period for intervals, null for one-shots. */
  readonly everyMs: number | null;
}

export class ManualTimers implements TimerSource {
  nowMs = 0;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  setInterval(f: () => void, ms: number): number {
    return this.add(f, ms, Math.max(1, ms));
  }
  clearInterval(id: unknown): void {
    this.pending.delete(id as number);
  }
  setTimeout(f: () => void, ms: number): number {
    return this.add(f, ms, null);
  }
  clearTimeout(id: unknown): void {
    this.pending.delete(id as number);
  }

  /** Timers registered and not yet cleared or fired. */
  get size(): number {
    return this.pending.size;
  }

  /** Moves time on by `ms`, firing each timer as it falls due (earliest first, ties by id). */
  advance(ms: number): void {
    const end = this.nowMs + ms;
    for (;;) {
      let next: [number, Pending] | null = null;
      for (const e of this.pending) if (e[1].dueMs <= end && (!next || e[1].dueMs < next[1].dueMs)) next = e;
      if (!next) break;
      const [id, p] = next;
      this.nowMs = p.dueMs;
      if (p.everyMs === null) this.pending.delete(id);
      else p.dueMs += p.everyMs;
      p.f();
    }
    this.nowMs = end;
  }

  private add(f: () => void, ms: number, everyMs: number | null): number {
    const id = this.nextId++;
    this.pending.set(id, { f, dueMs: this.nowMs + Math.max(0, ms), everyMs });
    return id;
  }
}
