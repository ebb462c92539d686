// Every proof's human summary says whether the folder is signed: a `signed=yes` or `signed=no` line,
// just before the closing `verdict=` line where the summary ends with one (that it ends with the
// verdict is a documented contract), else at the end. Written by withEvidence, read back by
// `evidence check`, which holds it to whether MANIFEST_SHA256.txt.sig is there.

export type SignedClaim = "yes" | "no";

const CLAIM = /^signed=(yes|no)$/;

/** Index of the last line of text ending in "\n" (lines as split on "\n"). */
const lastLine = (lines: string[]) => lines.length - (lines.at(-1) === "" ? 2 : 1);

export function withSignedLine(text: string, signed: boolean): string {
  const lines = text.split("\n");
  const last = lastLine(lines);
  const at = last >= 0 && lines[last].startsWith("verdict=") ? last : last + 1;
  lines.splice(at, 0, `signed=${signed ? "yes" : "no"}`);
  return lines.join("\n") + (text.endsWith("\n") || text === "" ? "" : "\n");
}

/** The summary without its `signed=` line, and what that line said (null: no such line). */
export function splitSignedLine(text: string): { body: string; signed: SignedClaim | null } {
  const lines = text.split("\n");
  const last = lastLine(lines);
  const at = [last, last - 1].find((i) =>
    i >= 0 && CLAIM.test(lines[i]) && (i === last || lines[last].startsWith("verdict="))
  );
  if (at === undefined) return { body: text, signed: null };
  const signed = CLAIM.exec(lines[at])![1] as SignedClaim;
  lines.splice(at, 1);
  return { body: lines.join("\n"), signed };
}
