// Reading a child's output in tests: every read has a deadline, so a silent or hung child fails the
// test with what was awaited and what arrived, instead of hanging it.
import { withDeadline } from "../lib/async/poll.ts";

export class TextReader {
  /** Everything read so far. */
  text = "";
  #done = false;
  readonly #reader: ReadableStreamDefaultReader<string>;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  }

  /** Reads until `text` satisfies `cond` (true) or the stream ends (false); throws at the deadline. */
  async until(what: string, cond: (text: string) => boolean, timeoutMs = 20_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!cond(this.text)) {
      if (this.#done) return false;
      const left = Math.max(0, deadline - Date.now());
      const r = await withDeadline(
        `${what} (read so far: ${JSON.stringify(this.text.slice(-300))})`,
        this.#reader.read(),
        left,
      );
      if (r.done) this.#done = true;
      else this.text += r.value;
    }
    return true;
  }

  /** Reads to the end of the stream (the child exited); throws at the deadline. */
  async rest(what: string, timeoutMs = 20_000): Promise<string> {
    await this.until(what, () => false, timeoutMs);
    return this.text;
  }

  /** Stops reading (call in finally: an unread pipe would keep the test's resources open). */
  async cancel(): Promise<void> {
    if (!this.#done) await this.#reader.cancel().catch(() => {});
  }
}
