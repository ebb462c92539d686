// JSON-free fast path for the common event line: a FLAT JSON object (string, number, true, false, null
// values) as JSON.stringify writes it. One pass over its bytes validates the whole line against the JSON
// grammar and keeps only the fields the contract check reads, making no string for the line or its ts
// (an id string only when it is not one of the last few); JSON.parse was ~60% of ingestion.
// Anything it does not fully understand (nesting, escapes, control characters, a repeated known key,
// trailing bytes) makes it decline and the caller uses JSON.parse, so for every line it accepts the
// result equals JSON.parse's (flat_scan_test.ts checks that differentially). Its helpers that run
// once per key or byte stay in this module: calling them across modules measured ~10% slower.
import { MAX_TS_MS } from "../events/ai_event.ts";
import { IdMemo } from "./id_memo.ts";
import { NumberReader } from "./json_number.ts";
import { TsReader } from "./ts_bytes.ts";

const QUOTE = 34, BSLASH = 92, COMMA = 44, COLON = 58, LBRACE = 123, RBRACE = 125;
const MINUS = 45, C0 = 48, C9 = 57, SP = 32, TAB = 9, LF = 10, CR = 13;

// Known keys as bits (a second occurrence declines: JSON.parse would keep the last one).
const K_TS = 1, K_TYPE = 2, K_RUN = 4, K_COMP = 8, K_SRC = 16, K_LAT = 32, K_SYM = 64, K_DEC = 128;
const K_ACT = 256;

// The scan reads bytes, not chars: typed-array reads beat charCodeAt (~1.5 ns a char here) over a
// ~190-char line. The bytes are the reader's own (scanBytes: the LineSplitter's buffer) or a string
// line is copied into OWN with one native encodeInto; a line that is not plain ASCII or does not fit
// then declines. A newline byte after the line stops every loop below (it is not whitespace here: a
// line never contains one, so one inside a line declines), and is where an accepted line ends.
const MAX_FAST_CHARS = 4096;
const OWN = new Uint8Array(MAX_FAST_CHARS + 1);
const encoder = new TextEncoder();
const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const L_TYPE = ascii("type"), L_RUN = ascii("run_id"), L_SRC = ascii("source"), L_SYM = ascii("symbol");
const L_ACT = ascii("action"), L_DEC = ascii("decision"), L_COMP = ascii("component");
const L_LAT = ascii("latency_ms"), L_HEART = ascii("heartbeat"), L_TRUE = ascii("true");
const L_FALSE = ascii("false"), L_NULL = ascii("null");

/** Whether b[p..] starts with the bytes of `lit`. */
function matches(b: Uint8Array, p: number, lit: Uint8Array): boolean {
  const n = lit.length;
  for (let i = 0; i < n; i++) if (b[p + i] !== lit[i]) return false;
  return true;
}

/** The key in b[start, start+len) (no escapes) as its bit, or 0 for any other key. */
function keyOf(b: Uint8Array, start: number, len: number): number {
  switch (len) {
    case 2:
      return b[start] === 116 && b[start + 1] === 115 ? K_TS : 0;
    case 4:
      return matches(b, start, L_TYPE) ? K_TYPE : 0;
    case 6:
      if (matches(b, start, L_RUN)) return K_RUN;
      if (matches(b, start, L_SRC)) return K_SRC;
      if (matches(b, start, L_SYM)) return K_SYM;
      return matches(b, start, L_ACT) ? K_ACT : 0;
    case 8:
      return matches(b, start, L_DEC) ? K_DEC : 0;
    case 9:
      return matches(b, start, L_COMP) ? K_COMP : 0;
    case 10:
      return matches(b, start, L_LAT) ? K_LAT : 0;
  }
  return 0;
}

/** Bytes that end a plain string body: quote, backslash, control chars (the newline too), >= 0x80. */
const STOP = new Uint8Array(256).map((_, c) => c === QUOTE || c === BSLASH || c < SP || c >= 0x80 ? 1 : 0);

/** Index of the closing quote of a string whose body starts at p, or -1 (escape, control char, end). */
function stringEnd(b: Uint8Array, p: number): number {
  // One table load a byte. Bytes >= 0x80 (only possible in the caller's bytes) decline, so an
  // accepted line is plain ASCII: one byte a char.
  while (STOP[b[p]] === 0) p++;
  return b[p] === QUOTE ? p : -1;
}

function skipWs(b: Uint8Array, p: number): number {
  let c = b[p];
  while (c === SP || c === TAB || c === CR) c = b[++p];
  return p;
}

/**
 * Scans one line; after it accepts, the fields hold what JSON.parse + property reads would give, in
 * the contract check's terms: `undefined` = key absent, `null` = present with a value of a type the
 * check refuses. `type` is the literal when it is one of the three types, "" for any other string.
 * symbol/decision/action are only type-checked: "" stands for any string. `tsMs` is tsToMs of the
 * ts value (NaN when absent or invalid).
 */
export class FlatScan {
  tsMs = NaN;
  type: string | null | undefined;
  run: string | null | undefined;
  comp: string | null | undefined;
  src: string | null | undefined;
  lat: number | null | undefined;
  sym: string | null | undefined;
  dec: string | null | undefined;
  act: string | null | undefined;
  /** Reads numbers; `value` holds the last one asked for. */
  readonly #numbers = new NumberReader();
  readonly #runMemo = new IdMemo();
  readonly #compMemo = new IdMemo();
  readonly #srcMemo = new IdMemo();
  readonly #ts = new TsReader();

  /**
   * Scans line `s`. With `bytes`, bytes[at + i] is the byte of s[i] (each char one byte) and
   * bytes[at + s.length] is a newline: the reader's own buffer, used without copying.
   */
  scan(s: string, bytes?: Uint8Array, at = 0): boolean {
    const n = s.length;
    let b = bytes;
    if (b === undefined) {
      if (n > MAX_FAST_CHARS || encoder.encodeInto(s, OWN).written !== n) return false; // or not ASCII
      b = OWN;
      b[n] = LF;
      at = 0;
    }
    return this.scanBytes(b, at) === at + n;
  }

  /**
   * Scans the line starting at b[at], which ends at the next newline byte (there must be one).
   * Returns that newline's index when it accepts the line, -1 when it declines.
   */
  scanBytes(b: Uint8Array, at: number): number {
    this.type =
      this.run =
      this.comp =
      this.src =
      this.lat =
        undefined;
    this.sym = this.dec = this.act = undefined;
    this.tsMs = NaN;
    let p = skipWs(b, at);
    if (b[p] !== LBRACE) return -1;
    p = skipWs(b, p + 1);
    let seen = 0;
    if (b[p] === RBRACE) p++;
    else {
      for (;;) {
        if (b[p] !== QUOTE) return -1;
        const ke = stringEnd(b, p + 1);
        if (ke < 0) return -1;
        const key = keyOf(b, p + 1, ke - p - 1);
        if (key !== 0) {
          if ((seen & key) !== 0) return -1;
          seen |= key;
        }
        p = ke + 1;
        if (b[p] <= SP) p = skipWs(b, p);
        if (b[p] !== COLON) return -1;
        p++;
        if (b[p] <= SP) p = skipWs(b, p);
        p = this.#value(b, p, key);
        if (p < 0) return -1;
        if (b[p] <= SP) p = skipWs(b, p);
        const c = b[p];
        if (c === COMMA) {
          p++;
          if (b[p] <= SP) p = skipWs(b, p);
        } else if (c === RBRACE) {
          p++;
          break;
        } else return -1;
      }
    }
    p = skipWs(b, p);
    return b[p] === LF ? p : -1;
  }

  /** Reads the value at p for `key`; the index after it, or -1 to decline. */
  #value(b: Uint8Array, p: number, key: number): number {
    const c = b[p];
    if (c === QUOTE) {
      const start = p + 1, end = stringEnd(b, start);
      if (end < 0) return -1;
      if (key === K_TS) this.tsMs = this.#ts.ms(b, start, end);
      else if (key === K_TYPE) {
        const len = end - start;
        this.type = len === 8 && matches(b, start, L_DEC)
          ? "decision"
          : len === 6 && matches(b, start, L_ACT)
          ? "action"
          : len === 9 && matches(b, start, L_HEART)
          ? "heartbeat"
          : "";
      } else if (key === K_RUN) this.run = this.#runMemo.get(b, start, end);
      else if (key === K_COMP) this.comp = this.#compMemo.get(b, start, end);
      else if (key === K_SRC) this.src = this.#srcMemo.get(b, start, end);
      else if (key !== 0) this.#other(key, "");
      return end + 1;
    }
    if (c === MINUS || (c >= C0 && c <= C9)) {
      const want = key === K_TS || key === K_LAT;
      const end = this.#numbers.read(b, p, want);
      if (end < 0) return -1;
      if (key === K_TS) {
        const v = this.#numbers.value; // tsToMs of a number
        this.tsMs = v >= 0 && v <= MAX_TS_MS ? v : NaN;
      } else if (key === K_LAT) this.lat = this.#numbers.value;
      else if (key !== 0) this.#other(key, null);
      return end;
    }
    let end: number;
    if (c === 116 && matches(b, p, L_TRUE)) end = p + 4;
    else if (c === 102 && matches(b, p, L_FALSE)) end = p + 5;
    else if (c === 110 && matches(b, p, L_NULL)) end = p + 4;
    else return -1; // nested object or array, or not JSON
    if (key !== 0) this.#other(key, null);
    return end;
  }

  /** A known key's value that is not a string (null) or a string the check only type-tests (""). */
  #other(key: number, v: string | null): void {
    if (key === K_TS) this.tsMs = NaN;
    else if (key === K_TYPE) this.type = null;
    else if (key === K_RUN) this.run = null;
    else if (key === K_COMP) this.comp = null;
    else if (key === K_SRC) this.src = null;
    else if (key === K_LAT) this.lat = null;
    else if (key === K_SYM) this.sym = v;
    else if (key === K_DEC) this.dec = v;
    else this.act = v;
  }
}
