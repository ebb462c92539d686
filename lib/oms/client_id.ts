// Deterministic client order ids: `<tag>-<counter>`, the tag naming the run's strategy and state epoch,
// the counter restored from the OMS state at start, so a retry of an intent reuses its id and a
// restart never reuses another's. Binance accepts ^[a-zA-Z0-9-_]{1,36}$.

export const CLIENT_ID = /^[a-zA-Z0-9_-]{1,36}$/;
const TAG = /^[a-zA-Z0-9_]{1,24}(-[a-zA-Z0-9_]{1,24})*$/;

/** `tag-counter`; RangeError when the tag has other characters or the id would pass 36 characters. */
export function clientOrderId(tag: string, counter: number): string {
  if (!TAG.test(tag)) {
    throw new RangeError(`Cannot use client id tag "${tag}": letters, digits, _ and - only`);
  }
  if (!Number.isSafeInteger(counter) || counter < 1) {
    throw new RangeError(`Cannot use client id counter ${counter}: a positive integer`);
  }
  const id = `${tag}-${counter}`;
  if (!CLIENT_ID.test(id)) throw new RangeError(`Cannot use client id "${id}": over 36 characters`);
  return id;
}

/** The counter of an id made with `tag`, or null when the id is not one of the tag's. */
export function counterOf(tag: string, id: string): number | null {
  if (!id.startsWith(tag + "-")) return null;
  const rest = id.slice(tag.length + 1);
  return /^[1-9][0-9]*$/.test(rest) ? Number(rest) : null;
}

/**
 * The next free id of `tag` given the ids the state knows and its counter: past both, so an id is
 * never handed out twice even if the counter was lost from a snapshot.
 */
export function nextClientOrderId(
  tag: string,
  counter: number,
  known: Iterable<string>,
): { readonly id: string; readonly counter: number } {
  let n = counter;
  for (const id of known) n = Math.max(n, counterOf(tag, id) ?? 0);
  return { id: clientOrderId(tag, n + 1), counter: n + 1 };
}

/** Why a new order's client id may not be used, or null: checked before anything is logged or sent. */
export function clientIdProblem(id: string, known: { has(id: string): boolean }): string | null {
  if (!CLIENT_ID.test(id)) return `client id "${id}" is not ^[a-zA-Z0-9-_]{1,36}$`;
  if (known.has(id)) return `client id "${id}" is already used`;
  return null;
}
