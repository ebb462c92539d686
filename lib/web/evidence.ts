// Proof folders under the evidence root (.local_tmp/<name>_<YYYYMMDDTHHMMSSZ>/): listing with verdicts,
// and resolving one file inside for read-only serving. Nothing outside the root is ever reachable.
// A proof folder is one EvidenceFolder finished: it holds the manifest. Working folders that share the
// root and the name pattern (Prometheus TSDB, Alertmanager storage, --check-only configs) are not proofs.
import { join, sep } from "node:path";
import { MANIFEST_NAME } from "../evidence/manifest.ts";
import { HttpError } from "./http_util.ts";

export const PROOF_DIR_RE = /^([A-Za-z0-9][A-Za-z0-9_.-]*?)_(\d{8}T\d{6}Z)(?:_\d+)?$/;
const MAX_FILES = 200;
const MAX_DEPTH = 3;
const MAX_SUMMARY_BYTES = 1 << 20;

export type Verdict = "PASS" | "FAIL";

export interface EvidenceFile {
  /** Path inside the proof folder, "/"-separated. */
  readonly path: string;
  readonly size: number;
}

export interface ProofFolder {
  readonly dir: string;
  readonly name: string;
  /** ISO-8601 from the folder stamp. */
  readonly stampUtc: string;
  readonly verdict: Verdict | null;
  readonly verdictFile: string | null;
  readonly hasManifest: boolean;
  readonly files: readonly EvidenceFile[];
  readonly filesTruncated: boolean;
}

export interface EvidenceView {
  readonly root: string;
  readonly exists: boolean;
  readonly total: number;
  readonly folders: readonly ProofFolder[];
}

/**
 * `verdict=PASS` (summaries) or `VERDICT: PASS` (the local verify's OPERATOR_NOTE.txt) on a line of its
 * own; the first such line wins.
 */
export function parseVerdictText(text: string): Verdict | null {
  const m = /^\s*verdict\s*(?:=|:)\s*(PASS|FAIL)\s*$/im.exec(text);
  return m ? m[1].toUpperCase() as Verdict : null;
}

/** summary.json's top-level "verdict" field. */
export function parseVerdictJson(text: string): Verdict | null {
  try {
    const v = (JSON.parse(text) as { verdict?: unknown })?.verdict;
    return v === "PASS" || v === "FAIL" ? v : null;
  } catch {
    return null;
  }
}

export function stampToIso(stamp: string): string {
  return `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${
    stamp.slice(11, 13)
  }:${stamp.slice(13, 15)}Z`;
}

/** The newest `limit` proof folders (by stamp), each with its verdict and files. */
export async function listEvidence(root: string, limit: number): Promise<EvidenceView> {
  const dirs: { dir: string; name: string; stamp: string }[] = [];
  try {
    for await (const e of Deno.readDir(root)) {
      const m = e.isDirectory ? PROOF_DIR_RE.exec(e.name) : null;
      if (m && await isFile(join(root, e.name, MANIFEST_NAME))) {
        dirs.push({ dir: e.name, name: m[1], stamp: m[2] });
      }
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { root, exists: false, total: 0, folders: [] };
    throw err;
  }
  dirs.sort((a, b) => b.stamp.localeCompare(a.stamp) || a.dir.localeCompare(b.dir));
  const folders = await Promise.all(dirs.slice(0, limit).map((d) => describe(root, d)));
  return { root, exists: true, total: dirs.length, folders };
}

async function describe(root: string, d: { dir: string; name: string; stamp: string }): Promise<ProofFolder> {
  const files: EvidenceFile[] = [];
  const truncated = await walk(join(root, d.dir), "", 0, files);
  files.sort((a, b) => a.path.localeCompare(b.path));
  let verdict: Verdict | null = null;
  let verdictFile: string | null = null;
  // Text summaries (e.g. AI_LIVE_OPS_SUMMARY.txt) and notes (OPERATOR_NOTE.txt) first, then summary.json.
  const candidates = [
    ...files.filter((f) => !f.path.includes("/") && /(summary|note).*\.txt$/i.test(f.path)),
    ...files.filter((f) => f.path.toLowerCase() === "summary.json"),
  ];
  for (const f of candidates) {
    if (f.size > MAX_SUMMARY_BYTES) continue;
    const text = await Deno.readTextFile(join(root, d.dir, f.path));
    verdict = f.path.endsWith(".json") ? parseVerdictJson(text) : parseVerdictText(text);
    if (verdict) {
      verdictFile = f.path;
      break;
    }
  }
  return {
    dir: d.dir,
    name: d.name,
    stampUtc: stampToIso(d.stamp),
    verdict,
    verdictFile,
    hasManifest: files.some((f) => f.path === "MANIFEST_SHA256.txt"),
    files,
    filesTruncated: truncated,
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.lstat(path)).isFile;
  } catch {
    return false;
  }
}

/** Regular files and folders only: symlinks are not listed (and are only served if they stay inside). */
async function walk(abs: string, rel: string, depth: number, out: EvidenceFile[]): Promise<boolean> {
  for await (const e of Deno.readDir(abs)) {
    if (out.length >= MAX_FILES) return true;
    const relPath = rel ? `${rel}/${e.name}` : e.name;
    if (e.isFile) {
      out.push({ path: relPath, size: (await Deno.stat(join(abs, e.name))).size });
    } else if (e.isDirectory && depth < MAX_DEPTH) {
      if (await walk(join(abs, e.name), relPath, depth + 1, out)) return true;
    }
  }
  return false;
}

/**
 * Maps the URL segments after /api/evidence/ to a real file under `root`, or throws HttpError 404.
 * Each segment is percent-decoded once and must be a plain name (no "..", ".", "", "/", "\\", NUL);
 * the first must be a proof folder; the resolved real path (symlinks followed) must stay inside root.
 */
export async function resolveEvidenceFile(root: string, rawSegments: readonly string[]): Promise<string> {
  const notFound = new HttpError(404, "not found");
  if (rawSegments.length < 2) throw notFound;
  const segments: string[] = [];
  for (const raw of rawSegments) {
    let s: string;
    try {
      s = decodeURIComponent(raw);
    } catch {
      throw notFound;
    }
    if (s === "" || s === "." || s === ".." || /[\\/\0]/.test(s)) throw notFound;
    segments.push(s);
  }
  if (!PROOF_DIR_RE.test(segments[0]) || !await isFile(join(root, segments[0], MANIFEST_NAME))) {
    throw notFound;
  }
  let realRoot: string;
  let realFile: string;
  try {
    realRoot = await Deno.realPath(root);
    realFile = await Deno.realPath(join(root, ...segments));
  } catch {
    throw notFound;
  }
  if (!realFile.startsWith(realRoot + sep)) throw notFound;
  const info = await Deno.stat(realFile).catch(() => null);
  if (!info?.isFile) throw notFound;
  return realFile;
}
