// --record FILE: every raw frame with its feed-clock receive time, as JSON lines
// {"venue","conn","receivedAtMs","frame"}, one write per line through the one JSONL appender (lib/fs),
// so a reader or a crash never sees half a record. Replay (lib/feed/replay_frames.ts) reads them back.
import { JsonlAppender } from "../fs/jsonl_append.ts";

export class Recorder {
  readonly path: string;
  lines = 0;
  errors = 0;
  private out: JsonlAppender | null;

  private constructor(out: JsonlAppender) {
    this.path = out.path;
    this.out = out;
  }

  /** Opens (creating or appending to) `path`; throws Error naming the file when it cannot. */
  static open(path: string): Recorder {
    try {
      return new Recorder(JsonlAppender.openSync(path));
    } catch (err) {
      throw new Error(`Cannot open ${path} for recording: ${err instanceof Error ? err.message : err}`);
    }
  }

  /**
   * Appends one frame; a failed or short write is counted, never thrown at the connection that
   * called it (a short write may leave a partial line: counted here, not finished by a second write).
   */
  write(venue: string, conn: string, receivedAtMs: number, frame: string): void {
    if (!this.out) return;
    try {
      this.out.append({ venue, conn, receivedAtMs, frame });
      this.lines++;
    } catch {
      this.errors++;
    }
  }

  /** fsyncs and closes. */
  close(): void {
    this.out?.close("all");
    this.out = null;
  }
}
