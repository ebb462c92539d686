// KEY=VALUE env files (config/env/*.env): comments and blank lines skipped, no shell expansion.
import { closest } from "../util/closest.ts";

export function parseEnvFile(text: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith("#")) continue;
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new SyntaxError(`Cannot parse ${file} line ${i + 1}: expected KEY=VALUE, got "${line}"`);
    let value = m[2].trim();
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    out[m[1]] = value;
  }
  return out;
}

export interface UnknownKey {
  readonly key: string;
  /** 1-based line in the file. */
  readonly line: number;
  /** The nearest known key, when one is near enough to be a likely typo. */
  readonly closest: string | null;
}

/** Keys set in the env file that no reader knows (they would be silently ignored). */
export function unknownKeys(text: string, known: readonly string[]): UnknownKey[] {
  const knownSet = new Set(known);
  const out: UnknownKey[] = [];
  text.split("\n").forEach((raw, i) => {
    const m = /^([A-Z][A-Z0-9_]*)=/.exec(raw.trim());
    if (m && !knownSet.has(m[1])) out.push({ key: m[1], line: i + 1, closest: closest(m[1], known) });
  });
  return out;
}
