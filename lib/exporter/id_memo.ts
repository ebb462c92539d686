// Id strings read by the flat-line scanner (flat_scan.ts), kept with their bytes so a repeat costs no
// slice and no parse.
import { asciiString } from "./ts_bytes.ts";

const MEMO_SLOTS = 8, MEMO_BYTES = 64;

/**
 * The last few strings read for one id field, with their bytes: a repeat (several writers' ids
 * alternate in one file) is found by comparing bytes, with no slice. A new one is COPIED (a slice of
 * 13+ chars would keep the whole decoded chunk alive, and the state keeps ids as map keys); its body
 * has no quote, backslash, control char or byte >= 0x80, so its bytes are its chars.
 */
export class IdMemo {
  readonly #strs: string[] = new Array(MEMO_SLOTS).fill("");
  readonly #lens: number[] = new Array(MEMO_SLOTS).fill(-1);
  readonly #bytes = new Uint8Array(MEMO_SLOTS * MEMO_BYTES);
  #last = 0;
  #next = 0;

  /** The string in b[start, end) (the body of a JSON string without escapes: ASCII, as it reads). */
  get(b: Uint8Array, start: number, end: number): string {
    const len = end - start, bytes = this.#bytes, lens = this.#lens;
    for (let k = 0, slot = this.#last; k < MEMO_SLOTS; k++, slot = (slot + 1) & (MEMO_SLOTS - 1)) {
      if (lens[slot] !== len) continue;
      const base = slot * MEMO_BYTES;
      let i = 0;
      while (i < len && b[start + i] === bytes[base + i]) i++;
      if (i === len) {
        this.#last = slot;
        return this.#strs[slot];
      }
    }
    const str = asciiString(b, start, end);
    if (len <= MEMO_BYTES) {
      const slot = this.#next, base = slot * MEMO_BYTES;
      this.#next = (slot + 1) & (MEMO_SLOTS - 1);
      for (let i = 0; i < len; i++) bytes[base + i] = b[start + i];
      lens[slot] = len;
      this.#strs[slot] = str;
      this.#last = slot;
    }
    return str;
  }
}
