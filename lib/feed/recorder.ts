// --record FILE: every raw frame with its feed-clock receive time, as JSON lines
// {"venue","conn","receivedAtMs","frame"}, one write per line (a reader or a crash never sees half a
// record). Replay (lib/feed/replay_frames.ts) reads them back.

export class Recorder {
  readonly path: string;
  lines = 0;
  errors = 0;
  private file: Deno.FsFile | null;
  private readonly enc = new TextEncoder();

  private constructor(path: string, file: Deno.FsFile) {
    this.path = path;
    this.file = file;
  }

  /** Opens (creating or appending to) `path`; throws Error naming the file when it cannot. */
  static open(path: string): Recorder {
    try {
      return new Recorder(path, Deno.openSync(path, { create: true, append: true }));
    } catch (err) {
      throw new Error(`Cannot open ${path} for recording: ${err instanceof Error ? err.message : err}`);
    }
  }

  /** Appends one frame; a failed write is counted, never thrown at the connection that called it. */
  write(venue: string, conn: string, receivedAtMs: number, frame: string): void {
    if (!this.file) return;
    const bytes = this.enc.encode(JSON.stringify({ venue, conn, receivedAtMs, frame }) + "\n");
    try {
      // Append mode: one write call per line keeps lines whole even with other appenders.
      let off = this.file.writeSync(bytes);
      while (off < bytes.length) off += this.file.writeSync(bytes.subarray(off));
      this.lines++;
    } catch {
      this.errors++;
    }
  }

  close(): void {
    if (!this.file) return;
    try {
      this.file.syncSync();
    } finally {
      this.file.close();
      this.file = null;
    }
  }
}
