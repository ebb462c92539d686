// The byte loops of the flat-line scanner (flat_scan.ts) over a line's bytes. Its bytes, not chars:
// typed-array reads beat charCodeAt (~1.5 ns a char here) over a ~190-char line. A newline byte after
// the line stops every loop below (it is not whitespace here: a line never contains one, so one inside
// a line declines).

// Also declared in flat_scan.ts: an imported const read in the hot path measured slower than a local.
const QUOTE = 34, BSLASH = 92, SP = 32, TAB = 9, CR = 13;

/** The bytes of an ASCII text. */
export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/** Whether b[p..] starts with the bytes of `lit`. */
export function matches(b: Uint8Array, p: number, lit: Uint8Array): boolean {
  const n = lit.length;
  for (let i = 0; i < n; i++) if (b[p + i] !== lit[i]) return false;
  return true;
}

/** Index of the closing quote of a string whose body starts at p, or -1 (escape, control char, end). */
export function stringEnd(b: Uint8Array, p: number): number {
  let c = b[p];
  while (c !== QUOTE) {
    // The newline after the line ends here too; bytes >= 0x80 (only possible in the caller's
    // bytes, as one U+FFFD each) decline to keep the byte = char argument trivially true.
    if (c === BSLASH || c < SP || c >= 0x80) return -1;
    c = b[++p];
  }
  return p;
}

/** Index of the first byte at or after p that is not a space, tab or CR. */
export function skipWs(b: Uint8Array, p: number): number {
  let c = b[p];
  while (c === SP || c === TAB || c === CR) c = b[++p];
  return p;
}
