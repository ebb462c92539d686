// The last line of every proof's human summary says whether the folder is signed: `signed=yes` or
// `signed=no`. Written by withEvidence, read back by `evidence check`, which holds it to whether
// MANIFEST_SHA256.txt.sig is there.

export type SignedClaim = "yes" | "no";

export function signedLine(signed: boolean): string {
  return `signed=${signed ? "yes" : "no"}\n`;
}

/** The summary without its `signed=` line, and what that line said (null: no such last line). */
export function splitSignedLine(text: string): { body: string; signed: SignedClaim | null } {
  const m = /(?:^|\n)signed=(yes|no)\n$/.exec(text);
  if (!m) return { body: text, signed: null };
  return { body: text.slice(0, text.length - `signed=${m[1]}\n`.length), signed: m[1] as SignedClaim };
}
