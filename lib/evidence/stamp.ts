// UTC stamps for evidence folder names: YYYYMMDDTHHMMSSZ.

export function utcStamp(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-11-21T01:02:03.456Z
  return iso.slice(0, 19).replaceAll("-", "").replaceAll(":", "") + "Z";
}

/** Matches `<name>_<stamp>` and `<name>_<stamp>_<n>` (a second run in the same second). */
export const EVIDENCE_DIR_RE = /^(?<name>.+)_(?<stamp>\d{8}T\d{6}Z)(?:_(?<seq>\d+))?$/;
