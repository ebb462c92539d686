// The `ts` string of an event line read straight from its bytes (the flat scanner's strings: ASCII, no
// escapes), so no string is made per line: equal to tsToMs of the same string. Lines within the last
// valid minute parse only the seconds tail; another minute goes once through the string functions.
import { rfc3339MinuteMs, rfc3339TailMs } from "../events/ai_event.ts";

const MINUTE_CHARS = 17; // `YYYY-MM-DDTHH:MM:`
const DOT = 46, C0 = 48, Z = 90, PLUS = 43, COLON = 58;

/** b[start, end) as a string; every byte there is ASCII (< 0x80). A fresh string, never a slice. */
export function asciiString(b: Uint8Array, start: number, end: number): string {
  if (end - start <= 256) {
    return String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[]);
  }
  return new TextDecoder().decode(b.subarray(start, end));
}

/** Ms within the minute of the tail at b[s + 17, e) (e - s in [20, 40]): rfc3339TailMs on bytes. */
export function tailMsBytes(b: Uint8Array, s: number, e: number): number {
  const a = b[s + 17] - C0, c = b[s + 18] - C0;
  if (!(a >= 0 && a <= 9 && c >= 0 && c <= 9)) return NaN;
  const sec = a * 10 + c;
  if (sec > 59) return NaN;
  let i = s + 19, frac = 0;
  if (b[i] === DOT) {
    let scale = 100;
    const first = ++i;
    while (i < e) {
      const d = b[i] - C0;
      if (d < 0 || d > 9) break;
      frac += d * scale;
      scale /= 10;
      i++;
    }
    if (i === first || i - first > 9) return NaN;
  }
  const rest = e - i;
  if (rest === 1 && b[i] === Z) return sec * 1000 + frac;
  if (
    rest === 6 && b[i] === PLUS && b[i + 1] === C0 && b[i + 2] === C0 && b[i + 3] === COLON &&
    b[i + 4] === C0 && b[i + 5] === C0
  ) return sec * 1000 + frac;
  return NaN;
}

/** Epoch ms of ts strings given as bytes, with the last valid minute remembered (a pure speed-up). */
export class TsReader {
  readonly #minute = new Uint8Array(MINUTE_CHARS);
  #minuteMs = NaN;

  /** tsToMs of the string in b[start, end): epoch ms, or NaN when it is not a valid RFC 3339 UTC time. */
  ms(b: Uint8Array, start: number, end: number): number {
    const n = end - start;
    if (n < 20 || n > 40) return NaN; // as rfc3339MinuteMs/rfc3339TailMs
    const m = this.#minute;
    if (this.#minuteMs === this.#minuteMs) {
      let i = 0;
      while (i < MINUTE_CHARS && b[start + i] === m[i]) i++;
      if (i === MINUTE_CHARS) return this.#minuteMs + tailMsBytes(b, start, end);
    }
    const s = asciiString(b, start, end);
    const minuteMs = rfc3339MinuteMs(s), ms = minuteMs + rfc3339TailMs(s);
    if (ms === ms) {
      m.set(b.subarray(start, start + MINUTE_CHARS));
      this.#minuteMs = minuteMs;
    }
    return ms;
  }
}
