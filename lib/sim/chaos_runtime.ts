// Connection-level chaos at run time: the effective config (flags + chaos file), one-shot drop/cut
// actions keyed by nonce, the periodic drop / planned cut (notice, then close after cutNoticeS) of
// every connection in scope, and the venue's own maximum connection age.
import type { Venue } from "../market/types.ts";
import { type ChaosConfig, type ChaosLog, inScope, mergeChaos } from "./chaos.ts";
import { ChaosFile } from "./chaos_file.ts";
import type { SimConnection } from "./conn.ts";
import type { VenueProtocol } from "./protocol.ts";

export interface ChaosRuntimeDeps {
  readonly flags: ChaosConfig;
  readonly filePath?: string;
  readonly conns: ReadonlySet<SimConnection>;
  readonly protocol: (venue: Venue) => VenueProtocol;
  readonly log: ChaosLog;
  readonly wallNow: () => number;
  readonly onWarn?: (msg: string, fields: Record<string, unknown>) => void;
}

export class ChaosRuntime {
  readonly #d: ChaosRuntimeDeps;
  readonly #file: ChaosFile | null;
  #current: ChaosConfig;
  #nonces = { dropNow: "", cutNow: "" };
  #mergeError: string | null = null;

  constructor(deps: ChaosRuntimeDeps) {
    this.#d = deps;
    this.#file = deps.filePath ? new ChaosFile(deps.filePath) : null;
    this.#current = deps.flags;
  }

  get current(): ChaosConfig {
    return this.#current;
  }

  get fileError(): string | null {
    return this.#file?.lastError ?? this.#mergeError;
  }

  /** Re-reads the chaos file, logs a config change, applies one-shot actions whose nonce changed. */
  reload(): void {
    const next = this.#merged();
    if (!next) return;
    if (JSON.stringify(next) !== JSON.stringify(this.#current)) {
      this.#current = next;
      this.#d.log.record({ kind: "config", chaos: next });
    }
    for (const action of ["dropNow", "cutNow"] as const) {
      const a = next[action];
      if (!a || a.nonce === this.#nonces[action]) continue;
      this.#nonces[action] = a.nonce;
      if (action === "dropNow") this.dropAll(a.venue);
      else this.cutAll(a.venue);
    }
  }

  /**
   * Flags + file, or null when the file is valid alone but not with the flags (rates over 1): then,
   * as for a broken file, warned once and the last good config kept.
   */
  #merged(): ChaosConfig | null {
    const file = this.#file?.read(this.#d.onWarn) ?? null;
    try {
      const next = mergeChaos(this.#d.flags, file);
      this.#mergeError = null;
      return next;
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (msg !== this.#mergeError) {
        this.#d.onWarn?.("chaos file ignored, keeping the last good one", { error: msg });
      }
      this.#mergeError = msg;
      return null;
    }
  }

  /** Abrupt drop (close 1011) of every connection, or of one venue's. */
  dropAll(venue?: Venue): void {
    for (const c of this.#d.conns) if (!venue || c.venue === venue) this.#drop(c);
  }

  /** Planned cut of every connection, or of one venue's. */
  cutAll(venue?: Venue): void {
    for (const c of this.#d.conns) if (!venue || c.venue === venue) this.#cut(c);
  }

  /**
   * Per tick: announced cuts that are due, periodic drops and cuts, the maximum age, else the
   * venue's own housekeeping (heartbeats, idle close).
   */
  housekeeping(wallMs: number): void {
    const c0 = this.#current;
    for (const c of this.#d.conns) {
      if (!c.isOpen) continue;
      const scoped = inScope(c0, c.venue);
      const age = wallMs - c.openedWallMs;
      if (c.cutAt !== null && wallMs >= c.cutAt.wallMs) c.close(1001, c.cutAt.reason);
      else if (scoped && c0.dropEveryS !== undefined && age >= c0.dropEveryS * 1000) this.#drop(c);
      else if (scoped && c0.maxAgeS !== undefined && age >= c0.maxAgeS * 1000) this.#maxAge(c);
      else if (scoped && c.cutAt === null && c0.cutEveryS !== undefined && age >= c0.cutEveryS * 1000) {
        this.#cut(c);
      } else this.#d.protocol(c.venue).onTick?.(c, wallMs);
    }
  }

  #drop(c: SimConnection): void {
    if (!c.isOpen) return;
    this.#d.log.record({ kind: "drop", venue: c.venue, connId: c.id });
    c.close(1011, "chaos drop");
  }

  /** Notice first; the close follows after cutNoticeS (at once without one). */
  #cut(c: SimConnection): void {
    if (!c.isOpen || c.cutAt !== null) return;
    const noticeMs = (this.#current.cutNoticeS ?? 0) * 1000;
    this.#d.log.record({ kind: "cut", venue: c.venue, connId: c.id, noticeMs });
    const reason = this.#d.protocol(c.venue).cut(c);
    if (noticeMs === 0) c.close(1001, reason);
    else c.cutAt = { wallMs: this.#d.wallNow() + noticeMs, reason };
  }

  #maxAge(c: SimConnection): void {
    this.#d.log.record({ kind: "max_age", venue: c.venue, connId: c.id });
    c.close(1001, "connection max age");
  }
}
