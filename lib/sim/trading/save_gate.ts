// The venue's effects of a change — truth lines, user-data events, WebSocket API replies — leave only
// once the state file holds the change, so a client (or the truth) never sees what a restart would
// forget: an ack whose order a restarted venue does not know, or a trade id handed out twice.
// Without a state file there is nothing to wait for and effects run at once, in order.

export class SaveGate {
  readonly #save: (() => Promise<void>) | null;
  readonly #pending: { seq: number; run: () => void }[] = [];
  #seq = 0;
  #dirty = false;
  #saving: Promise<void> = Promise.resolve();

  /** `save` writes the whole state (null: no state file). */
  constructor(save: (() => Promise<void>) | null) {
    this.#save = save;
  }

  /** Something changed: the next flush saves. */
  changed(): void {
    this.#dirty = true;
  }

  /** Runs `effect` after the first successful save that starts after this call (at once without a state file). */
  after(effect: () => void): void {
    if (!this.#save) return effect();
    this.#pending.push({ seq: ++this.#seq, run: effect });
  }

  /**
   * Saves if anything changed (saves never overlap), then releases the effects queued before this call.
   * A failed save keeps them (and the change) for the next flush; the returned promise rejects.
   */
  flush(): Promise<void> {
    const save = this.#save;
    if (!save) return this.#saving;
    const upTo = this.#seq;
    if (!this.#dirty) {
      if (this.#pending.length === 0) return this.#saving;
      // Nothing new to save, but effects may wait on a save in flight: release after it (not after a failure).
      this.#saving = this.#saving.then(() => this.#release(upTo));
      return this.#saving;
    }
    this.#dirty = false;
    this.#saving = this.#saving.catch(() => {}).then(save).then(
      () => this.#release(upTo),
      (err) => {
        this.#dirty = true;
        throw err;
      },
    );
    return this.#saving;
  }

  #release(upTo: number): void {
    while (this.#pending.length > 0 && this.#pending[0].seq <= upTo) this.#pending.shift()!.run();
  }
}
