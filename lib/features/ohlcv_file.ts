// Reads OHLCV bar files for `task replay --bars`: a JSON array of {t,o,h,l,c,v}, an object with a
// `bars` array (the indicator fixture's shape), or JSON lines. One schema at the edge; the first
// problem is reported as one line naming where (bars[i] or line n) and which field.
import { z } from "zod";
import type { OhlcvInput } from "./feature_set.ts";

const price = z.number({ error: "must be a finite number > 0" }).positive({
  error: "must be a finite number > 0",
});

export const OhlcvRowSchema = z.object({
  t: z.int({ error: "must be an integer (open time, ms since epoch)" }),
  o: price,
  h: price,
  l: price,
  c: price,
  v: z.number({ error: "must be a finite number >= 0" }).nonnegative({
    error: "must be a finite number >= 0",
  }),
});
export type OhlcvRow = z.infer<typeof OhlcvRowSchema>;

/** A bad bar file: the message already names the place and the field. */
export class BarFileError extends Error {
  override name = "BarFileError";
}

/** Parses a whole bar file; throws BarFileError on the first problem. */
export function parseOhlcvFile(text: string): OhlcvInput[] {
  const rows = splitRows(text);
  const out: OhlcvInput[] = [];
  let prevT = Number.NEGATIVE_INFINITY;
  for (const { where, value } of rows) {
    const r = OhlcvRowSchema.safeParse(value);
    if (!r.success) {
      const issue = r.error.issues[0];
      const field = issue.path.length > 0 ? `field "${issue.path.join(".")}" ` : "";
      const got = issue.path.length > 0
        ? `, got ${show((value as Record<string, unknown>)?.[issue.path[0] as string])}`
        : "";
      throw new BarFileError(`${where}: ${field}${issue.message}${got}`);
    }
    const b = r.data;
    if (b.t <= prevT) throw new BarFileError(`${where}: field "t" must increase, got ${b.t} after ${prevT}`);
    if (b.h < Math.max(b.o, b.c, b.l)) {
      throw new BarFileError(`${where}: field "h" ${b.h} is below o, l or c`);
    }
    if (b.l > Math.min(b.o, b.c)) throw new BarFileError(`${where}: field "l" ${b.l} is above o or c`);
    prevT = b.t;
    out.push(ohlcvOfRow(b));
  }
  return out;
}

/** A {t,o,h,l,c,v} row (file or fixture shape) as the bar fields the features read. */
export function ohlcvOfRow(
  b: { t: number; o: number; h: number; l: number; c: number; v: number },
): OhlcvInput {
  return { openTimeMs: b.t, o: b.o, h: b.h, l: b.l, c: b.c, v: b.v };
}

interface Located {
  where: string;
  value: unknown;
}

function splitRows(text: string): Located[] {
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    return jsonLines(text);
  }
  if (Array.isArray(whole)) return whole.map((value, i) => ({ where: `bars[${i}]`, value }));
  if (whole !== null && typeof whole === "object" && "bars" in whole) {
    const bars = (whole as { bars: unknown }).bars;
    if (!Array.isArray(bars)) throw new BarFileError(`field "bars" must be an array`);
    return bars.map((value, i) => ({ where: `bars[${i}]`, value }));
  }
  return jsonLines(text); // one JSON object on its own: a single JSON line
}

function jsonLines(text: string): Located[] {
  const out: Located[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      out.push({ where: `line ${i + 1}`, value: JSON.parse(line) });
    } catch {
      throw new BarFileError(`line ${i + 1}: not valid JSON (expected an object {t,o,h,l,c,v})`);
    }
  });
  if (out.length === 0) throw new BarFileError("no bars: the file is empty");
  return out;
}

function show(x: unknown): string {
  return x === undefined ? "nothing" : JSON.stringify(x) ?? String(x);
}
