import assert from "node:assert/strict";
import { OVERSIZE, type Rejected } from "./classify_line.ts";
import { type LineSink, LineSplitter } from "./line_splitter.ts";

class Collect implements LineSink {
  lines: string[] = [];
  rejects: (Rejected | "truncated")[] = [];
  line(t: string) {
    this.lines.push(t);
  }
  reject(r: Rejected | "truncated") {
    this.rejects.push(r);
  }
}

/** Feeds `bytes` through the splitter in pieces of at most `step` bytes (as reads would). */
function feed(sp: LineSplitter, bytes: Uint8Array, step: number, sink: LineSink): void {
  for (let off = 0; off < bytes.length;) {
    const space = sp.space();
    const n = Math.min(step, space.length, bytes.length - off);
    space.set(bytes.subarray(off, off + n));
    sp.commit(n, sink);
    off += n;
  }
}

const enc = new TextEncoder();

Deno.test("every split point yields the same lines; multi-byte characters survive chunk edges", () => {
  const text = 'a\n{"k":"é€😀"}\n\nlast-but-one\nno newline yet';
  const bytes = enc.encode(text);
  for (let step = 1; step <= bytes.length; step++) {
    const sp = new LineSplitter(8, 64, 1 + (step % 5)); // tiny decode pieces: cuts land everywhere
    const c = new Collect();
    feed(sp, bytes, step, c);
    assert.deepEqual(c.lines, ["a", '{"k":"é€😀"}', "", "last-but-one"], `step ${step}`);
    assert.equal(sp.pendingBytes, enc.encode("no newline yet").length);
    // The partial line waits for its newline, then comes out whole.
    feed(sp, enc.encode("!\n"), 1, c);
    assert.equal(c.lines.at(-1), "no newline yet!");
    assert.equal(sp.pendingBytes, 0);
    assert.deepEqual(c.rejects, []);
  }
});

Deno.test("a line outgrowing the buffer is counted once as oversize and skipped to its newline", () => {
  const long = "x".repeat(100), mid = "y".repeat(40);
  const bytes = enc.encode(`ok1\n${long}\nok2\n${mid}\n`);
  for (const step of [1, 7, 16]) {
    const sp = new LineSplitter(16, 32);
    const c = new Collect();
    feed(sp, bytes, step, c);
    assert.deepEqual(c.lines, ["ok1", "ok2"], `step ${step}`);
    assert.deepEqual(c.rejects, [OVERSIZE, OVERSIZE], `step ${step}`);
    assert.equal(sp.pendingBytes, 0);
  }
  // A long line that arrives complete inside one chunk is passed on: the classifier measures it.
  const sp = new LineSplitter(256, 32, 8);
  const c = new Collect();
  feed(sp, bytes, 256, c);
  assert.deepEqual(c.lines, ["ok1", long, "ok2", mid]);
  assert.deepEqual(c.rejects, []);
});

Deno.test("flush hands over an unterminated last line; reset reports a dropped partial", () => {
  const sp = new LineSplitter(8, 64);
  const c = new Collect();
  feed(sp, enc.encode("one\ntw"), 8, c);
  sp.flush(c);
  assert.deepEqual(c.lines, ["one", "tw"]);
  assert.equal(sp.pendingBytes, 0);
  feed(sp, enc.encode("par"), 8, c);
  assert.equal(sp.reset(), true);
  assert.equal(sp.reset(), false);
  sp.flush(c);
  assert.deepEqual(c.lines, ["one", "tw"]);
});
