// Follows one events file: waits for it to exist, reads appended lines, survives rename rotation
// (finishes the old file, then switches) and copytruncate (starts over at byte 0). Poll-based, with
// the sleep injected; tests drive poll() directly and never sleep.
import { sleep as abortableSleep } from "../async/sleep.ts";
import { FileCursor } from "./file_cursor.ts";
import type { LineSink } from "./line_splitter.ts";
import type { Logger } from "../log.ts";

export interface TailerOptions {
  path: string;
  sink: LineSink;
  /** Pause between polls in run() (default 200 ms: appended lines show within about that). */
  pollMs?: number;
  chunkBytes?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  log?: Logger;
}

export interface TailSnapshot {
  path: string;
  filePresent: boolean;
  /** Sticky: the file (if any) has been read to its end at least once since start. */
  caughtUp: boolean;
  offset: number;
  lagBytes: number;
  partialBytes: number;
  bytesRead: number;
  renames: number;
  truncations: number;
  pollErrors: number;
}

export class Tailer {
  bytesRead = 0;
  renames = 0;
  truncations = 0;
  pollErrors = 0;
  caughtUp = false;
  filePresent = false;
  #cur: FileCursor | undefined;
  /** A renamed-away file, read once more on the next poll to catch a writer's last late lines. */
  #retiring: FileCursor | undefined;
  readonly #count = (n: number) => {
    this.bytesRead += n;
  };

  constructor(readonly opts: TailerOptions) {}

  /** One round: finish a retiring file, notice truncation/rotation, read to the current end. */
  async poll(): Promise<void> {
    const { path, sink, log } = this.opts;
    if (this.#retiring && await this.#retiring.readToEnd(sink, this.#count) === 0) {
      this.#retiring.close(sink);
      this.#retiring = undefined;
    }
    if (!this.#cur) {
      this.#cur = await FileCursor.open(path, this.opts.chunkBytes);
      this.filePresent = this.#cur !== undefined;
      if (!this.#cur) {
        this.caughtUp = true; // nothing to read is "read to the end"
        return;
      }
    }
    const cur = this.#cur;
    if (await cur.wasTruncated()) {
      await cur.restart(sink);
      this.truncations++;
      log?.("info", "events file truncated; reading it again from the start", { file: path });
    }
    let info: Deno.FileInfo | undefined;
    try {
      info = await Deno.stat(path);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    this.filePresent = info !== undefined;
    await cur.readToEnd(sink, this.#count);
    if (info && cur.isReplacedBy(info)) {
      this.#retiring?.close(sink);
      this.#retiring = cur;
      this.renames++;
      log?.("info", "events file rotated; finished the old file, reading the new one", { file: path });
      this.#cur = await FileCursor.open(path, this.opts.chunkBytes);
      if (this.#cur) await this.#cur.readToEnd(sink, this.#count);
    }
    if (!this.caughtUp) {
      log?.("info", "caught up: events file read to its end", { file: path, bytes: this.bytesRead });
    }
    this.caughtUp = true;
  }

  /** Polls until the signal aborts; a failing poll is counted and logged, never fatal. */
  async run(signal: AbortSignal): Promise<void> {
    const sleep = this.opts.sleep ?? abortableSleep;
    while (!signal.aborted) {
      try {
        await this.poll();
      } catch (err) {
        this.pollErrors++;
        this.opts.log?.("error", "events file poll failed", { file: this.opts.path, error: String(err) });
      }
      await sleep(this.opts.pollMs ?? 200, signal);
    }
  }

  snapshot(): TailSnapshot {
    let lag = 0;
    for (const c of [this.#cur, this.#retiring]) {
      if (!c) continue;
      try {
        lag += Math.max(0, c.size() - c.offset);
      } catch {
        // closed between polls: no lag to report
      }
    }
    return {
      path: this.opts.path,
      filePresent: this.filePresent,
      caughtUp: this.caughtUp,
      offset: this.#cur?.offset ?? 0,
      lagBytes: lag,
      partialBytes: (this.#cur?.splitter.pendingBytes ?? 0) + (this.#retiring?.splitter.pendingBytes ?? 0),
      bytesRead: this.bytesRead,
      renames: this.renames,
      truncations: this.truncations,
      pollErrors: this.pollErrors,
    };
  }

  /** Closes held files without counting partial lines. */
  close(): void {
    this.#cur?.close();
    this.#retiring?.close();
    this.#cur = this.#retiring = undefined;
  }
}
