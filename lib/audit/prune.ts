// `evidence prune --keep N --older-than D`, planned as a pure function: per kind, the newest N folders
// stay, and so does anything younger than D and the newest PASS of each kind. Folders still being
// written live under `.staging` and hold no manifest, so they are never in the list to begin with;
// the folders a kept local verify judged stay with it.
import { type FolderName, newestFirst } from "../evidence/kinds.ts";

export interface PruneCandidate extends FolderName {
  readonly verdict: "PASS" | "FAIL" | null;
  /** Folders this one judged (a local verify's activity demo and ops verify): kept while it is. */
  readonly refs?: readonly string[];
}

export interface PrunePlan {
  readonly remove: readonly string[];
  /** Every kept folder with why: `newest N`, `younger than D`, `newest PASS`. */
  readonly keep: readonly { dir: string; why: string }[];
}

/** `30d`, `12h`, `15m`, `90s` -> milliseconds; null when not that shape. */
export function parseAge(text: string): number | null {
  const m = /^(\d+)(s|m|h|d)$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "s" | "m" | "h" | "d"];
}

export function stampMs(stamp: string): number {
  return Date.UTC(
    Number(stamp.slice(0, 4)),
    Number(stamp.slice(4, 6)) - 1,
    Number(stamp.slice(6, 8)),
    Number(stamp.slice(9, 11)),
    Number(stamp.slice(11, 13)),
    Number(stamp.slice(13, 15)),
  );
}

export function planPrune(
  folders: readonly PruneCandidate[],
  nowMs: number,
  keepN: number,
  olderThanMs: number,
): PrunePlan {
  const byKind = new Map<string, PruneCandidate[]>();
  for (const f of folders) byKind.set(f.kind, [...byKind.get(f.kind) ?? [], f]);
  const remove: string[] = [];
  const keep: { dir: string; why: string }[] = [];
  for (const list of byKind.values()) {
    const sorted = [...list].sort(newestFirst);
    const newestPass = sorted.find((f) => f.verdict === "PASS")?.dir;
    sorted.forEach((f, i) => {
      if (i < keepN) keep.push({ dir: f.dir, why: `newest ${keepN}` });
      else if (f.dir === newestPass) keep.push({ dir: f.dir, why: "newest PASS" });
      else if (nowMs - stampMs(f.stamp) < olderThanMs) {
        keep.push({ dir: f.dir, why: "younger than the age limit" });
      } else remove.push(f.dir);
    });
  }
  // A kept local verify keeps the folders it judged, so checking it still finds their verdicts.
  const refs = new Map(folders.map((f) => [f.dir, f.refs ?? []]));
  for (const k of [...keep]) {
    for (const ref of refs.get(k.dir) ?? []) {
      const i = remove.indexOf(ref);
      if (i >= 0) {
        remove.splice(i, 1);
        keep.push({ dir: ref, why: `judged by ${k.dir}` });
      }
    }
  }
  return { remove: remove.sort(), keep: keep.sort((a, b) => a.dir.localeCompare(b.dir)) };
}
