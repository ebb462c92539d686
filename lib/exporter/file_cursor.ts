// One open events file being read forward: its own handle (so a renamed-away file is still read to its
// end), byte offset, partial-line buffer, and a fingerprint of the file's first bytes, which notices a
// copytruncate even when the writer refilled the file past our offset before we looked (the first
// line of the refilled file is a newer event, so its bytes differ).
import { type LineSink, LineSplitter } from "./line_splitter.ts";

const HEAD_BYTES = 256;

export class FileCursor {
  /** Bytes read from this file so far (including a held partial line). */
  offset = 0;
  /** The file's first #headLen bytes as we read them. */
  readonly #head = new Uint8Array(HEAD_BYTES);
  #headLen = 0;

  private constructor(
    readonly file: Deno.FsFile,
    readonly ino: number | null,
    readonly dev: number,
    readonly splitter: LineSplitter,
  ) {}

  /** Opens `path` for reading from its start; undefined when it does not exist (yet). */
  static async open(path: string, chunkBytes?: number): Promise<FileCursor | undefined> {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return undefined;
      throw err;
    }
    const info = await file.stat();
    return new FileCursor(file, info.ino, info.dev, new LineSplitter(chunkBytes));
  }

  /** True when `info` (a stat of the path) names a different file than the one held open. */
  isReplacedBy(info: Deno.FileInfo): boolean {
    return info.ino !== this.ino || info.dev !== this.dev;
  }

  /** Current size of the held file (fstat, so it works after a rename). */
  size(): number {
    return this.file.statSync().size;
  }

  /**
   * Reads to the current end of file, handing complete lines to the sink; returns the bytes read.
   * Each chunk is an await, so HTTP scrapes are served during a long catch-up.
   */
  async readToEnd(sink: LineSink, onBytes?: (n: number) => void): Promise<number> {
    let total = 0;
    while (true) {
      const space = this.splitter.space();
      const n = await this.file.read(space);
      if (n === null || n === 0) return total;
      this.#remember(space, n);
      this.offset += n;
      total += n;
      onBytes?.(n);
      this.splitter.commit(n, sink);
    }
  }

  /**
   * True when the file was truncated under us: it is shorter than our offset, or (when it grew) its
   * first bytes are no longer the ones we read. Leaves the read position at our offset.
   */
  async wasTruncated(): Promise<boolean> {
    const size = (await this.file.stat()).size;
    if (size < this.offset) return true;
    if (size === this.offset || this.#headLen === 0) return false;
    const got = new Uint8Array(this.#headLen);
    await this.file.seek(0, Deno.SeekMode.Start);
    let filled = 0;
    while (filled < got.length) {
      const n = await this.file.read(got.subarray(filled));
      if (n === null || n === 0) break;
      filled += n;
    }
    await this.file.seek(this.offset, Deno.SeekMode.Start);
    return filled !== got.length || got.some((b, i) => b !== this.#head[i]);
  }

  /** Starts over at byte 0 after a truncation; a held partial line is counted as `truncated`. */
  async restart(sink: LineSink): Promise<void> {
    await this.file.seek(0, Deno.SeekMode.Start);
    this.offset = 0;
    this.#headLen = 0;
    if (this.splitter.reset()) sink.reject("truncated");
  }

  /** Closes for good; an unterminated last line is handed over as a line (no more bytes will come). */
  close(sink?: LineSink): void {
    if (sink) this.splitter.flush(sink);
    try {
      this.file.close();
    } catch {
      // already closed
    }
  }

  /** Keeps the file's first HEAD_BYTES bytes; `space` holds the n bytes just read at this.offset. */
  #remember(space: Uint8Array, n: number): void {
    if (this.offset >= HEAD_BYTES) return;
    const take = Math.min(n, HEAD_BYTES - this.offset);
    this.#head.set(space.subarray(0, take), this.offset);
    this.#headLen = this.offset + take;
  }
}
