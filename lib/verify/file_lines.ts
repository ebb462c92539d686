// The proofs' one wait on a JSONL file another process appends to (the simulator's orders truth and
// chaos log, a loop's log): poll the file until a complete line passes a test, with a deadline that
// names what it waited for. A file not created yet reads as empty (the simulator opens its files lazily).
import { waitForValue, type WaitOptions } from "../async/poll.ts";

/** The file's complete lines (a last line still being appended is left out); none while it is missing. */
export async function fileLines(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return text.split("\n").slice(0, -1);
}

export interface LineWait extends WaitOptions {
  /** Only lines from this index on count (e.g. those appended after a count taken before). Default 0. */
  readonly fromLine?: number;
}

/**
 * Waits until a complete line of `path` (from `fromLine` on) passes `test` and returns it; throws
 * `timed out after N ms waiting for <what>` at the deadline (default 20 s, polled every 20 ms).
 */
export function untilLine(
  path: string,
  what: string,
  test: (line: string) => boolean,
  o: LineWait = {},
): Promise<string> {
  return waitForValue(what, async () => (await fileLines(path)).slice(o.fromLine ?? 0).find(test), {
    timeoutMs: o.timeoutMs ?? 20_000,
    everyMs: o.everyMs ?? 20,
    clock: o.clock,
  });
}
