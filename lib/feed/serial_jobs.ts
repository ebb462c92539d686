// Jobs run one at a time in the order queued, each after the previous one settled. A job that
// fails is reported and the next one runs; the count of jobs not yet finished is the backlog.
export class SerialJobs {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;
  private readonly onError: (err: unknown) => void;

  constructor(onError: (err: unknown) => void) {
    this.onError = onError;
  }

  /** Jobs queued and not yet finished (the one running included). */
  get backlog(): number {
    return this.pending;
  }

  push(job: () => Promise<void>): void {
    this.pending++;
    this.tail = this.tail.then(job).catch(this.onError).finally(() => {
      this.pending--;
    });
  }

  /** Resolves once everything queued so far is done. */
  drain(): Promise<void> {
    return this.tail;
  }
}
