// Splits a byte stream into lines. A sink with block() gets each chunk's complete lines as bytes and
// decodes only what it must; otherwise the lines are decoded with ONE TextDecoder call per piece and
// cut on "\n" in the string ("\n" never occurs inside a multi-byte UTF-8 sequence, so byte lines and
// string lines coincide). A partial last line waits in the buffer. A UTF-8 byte order mark is dropped
// at the start of the stream only (after a reset too); anywhere else it is part of its line.
import { MAX_LINE_BYTES, OVERSIZE, type Rejected } from "./classify_line.ts";

/** Where complete lines go. */
export interface LineSink {
  /**
   * One line. When given, `bytes[at, at + text.length)` are its bytes, one per char, and
   * `bytes[at + text.length]` is its newline: the splitter's buffer, valid only during the call.
   */
  line(text: string, bytes?: Uint8Array, at?: number): void;
  /**
   * Optional: complete lines as bytes, buf[from, to); each ends with its newline, the last at to - 1.
   * The splitter's buffer, valid only during the call. When present, line() only gets an
   * unterminated last line at flush().
   */
  block?(buf: Uint8Array, from: number, to: number): void;
  reject(r: Rejected | "truncated"): void;
}

/** Decodes as the splitter does: U+FFFD for bad bytes, a byte order mark kept (it is not at the start). */
export const lineDecoder = (): TextDecoder => new TextDecoder("utf-8", { ignoreBOM: true });

export const DEFAULT_CHUNK_BYTES = 1 << 20;
/** Decode granularity: well under V8's large-object threshold (128 KiB). */
const DECODE_BYTES = 64 << 10;

export class LineSplitter {
  /** [0, carry) holds an incomplete line; reads go into space() right after it. */
  readonly buf: Uint8Array;
  #carry = 0;
  /** Inside an oversize line (already counted): discard bytes up to the next newline. */
  #skipping = false;
  /** No byte of the stream handed on yet: a byte order mark here is dropped. */
  #fresh = true;
  readonly #dec = lineDecoder();

  constructor(
    readonly chunkBytes = DEFAULT_CHUNK_BYTES,
    readonly maxLineBytes = MAX_LINE_BYTES,
    readonly decodeBytes = DECODE_BYTES,
  ) {
    // A kept partial line is at most maxLineBytes, so a full chunk always fits after it.
    this.buf = new Uint8Array(maxLineBytes + chunkBytes);
  }

  /** Bytes of the incomplete last line held back (0 while skipping an oversize line). */
  get pendingBytes(): number {
    return this.#carry;
  }

  /** The region the next read fills. */
  space(): Uint8Array {
    return this.buf.subarray(this.#carry, this.#carry + this.chunkBytes);
  }

  /** Hands every line completed by the `n` bytes just read into space() to the sink. */
  commit(n: number, sink: LineSink): void {
    const buf = this.buf;
    const end = this.#carry + n;
    let start = 0;
    if (this.#fresh && (end >= 3 || buf.subarray(0, end).includes(10))) {
      this.#fresh = false;
      if (end >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) start = 3;
    }
    if (this.#skipping) {
      const nl = buf.subarray(0, end).indexOf(10);
      if (nl < 0) return;
      start = nl + 1;
      this.#skipping = false;
    }
    const rel = buf.subarray(start, end).lastIndexOf(10);
    if (rel >= 0) {
      const lastNl = start + rel;
      if (sink.block) sink.block(buf, start, lastNl + 1);
      else this.#decodeLines(start, lastNl, sink);
      start = lastNl + 1;
    }
    const rest = end - start;
    if (rest > this.maxLineBytes) {
      // Cannot be a valid line whatever follows: count it now, then skip to its newline.
      sink.reject(OVERSIZE);
      this.#skipping = true;
      this.#carry = 0;
    } else {
      if (start > 0 && rest > 0) buf.copyWithin(0, start, end);
      this.#carry = rest;
    }
  }

  /**
   * Decodes buf[from, to) (complete lines, `to` is a newline) in pieces of about decodeBytes that
   * end on a newline. Small pieces keep the decoded strings in V8's young generation; a 1 MiB string
   * would go to large-object space and pile up until a full GC (measured: +100 MiB peak RSS).
   */
  #decodeLines(from: number, to: number, sink: LineSink): void {
    const buf = this.buf;
    while (true) {
      let cut = to;
      const piece = this.decodeBytes;
      if (to - from > piece) {
        const back = buf.subarray(from, from + piece).lastIndexOf(10);
        if (back >= 0) cut = from + back;
        else {
          const fwd = buf.subarray(from + piece, to).indexOf(10); // one line longer than a piece
          if (fwd >= 0) cut = from + piece + fwd;
        }
      }
      const text = this.#dec.decode(buf.subarray(from, cut));
      // Same length in chars as in bytes: every char is one byte (a multi-byte or invalid sequence
      // always decodes to fewer chars), so the bytes can go along and save the reader a copy.
      emitLines(text, sink, text.length === cut - from ? buf : undefined, from);
      if (cut === to) return;
      from = cut + 1;
    }
  }

  /** End of input for good (a rotated-away file): its unterminated last line counts as a line. */
  flush(sink: LineSink): void {
    if (this.#carry > 0) emitLines(this.#dec.decode(this.buf.subarray(0, this.#carry)), sink);
    this.reset();
  }

  /** Forgets held bytes (the file was truncated); true when a partial line was thrown away. */
  reset(): boolean {
    const had = this.#carry > 0;
    this.#carry = 0;
    this.#skipping = false;
    this.#fresh = true;
    return had;
  }
}

/**
 * Calls sink.line for each "\n"-separated piece of `text` (text holds complete lines only). With
 * `bytes`, bytes[from + i] is the byte of text[i] and the byte after the text is a newline.
 */
function emitLines(text: string, sink: LineSink, bytes?: Uint8Array, from = 0): void {
  let i = 0;
  const n = text.length;
  while (true) {
    let j = text.indexOf("\n", i);
    if (j < 0) j = n;
    sink.line(text.slice(i, j), bytes, from + i);
    if (j === n) return;
    i = j + 1;
  }
}
