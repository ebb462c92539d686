// Proof folders under the evidence root (.local_tmp/<name>_<YYYYMMDDTHHMMSSZ>/): listing with verdicts,
// and resolving one file inside for read-only serving. Nothing outside the root is ever reachable.
// A proof folder is one EvidenceFolder finished: it holds the manifest. Working folders that share the
// root and the name pattern (Prometheus TSDB, Alertmanager storage, --check-only configs) are not proofs.
import { join, sep } from "node:path";
import {
  type FolderName,
  listProofFolders,
  PROOF_DIR_RE,
  stampToIso,
  type Verdict,
  verdictFromFiles,
} from "../evidence/kinds.ts";
import { MANIFEST_NAME } from "../evidence/manifest.ts";
import { isFile } from "../fs/exists.ts";
import { HttpError } from "./http_util.ts";

// The folder reader is the evidence library's (one place knows the kinds); the page's names stay.
export {
  parseVerdictJson,
  parseVerdictText,
  PROOF_DIR_RE,
  stampToIso,
  type Verdict,
} from "../evidence/kinds.ts";

const MAX_FILES = 200;
const MAX_DEPTH = 3;

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

/** The newest `limit` proof folders (by stamp), each with its verdict and files. */
export async function listEvidence(root: string, limit: number): Promise<EvidenceView> {
  const { exists, folders: dirs } = await listProofFolders(root);
  if (!exists) return { root, exists: false, total: 0, folders: [] };
  const folders = await Promise.all(dirs.slice(0, limit).map((d) => describe(root, d)));
  return { root, exists: true, total: dirs.length, folders };
}

async function describe(root: string, d: FolderName): Promise<ProofFolder> {
  const files: EvidenceFile[] = [];
  const truncated = await walk(join(root, d.dir), "", 0, files);
  files.sort((a, b) => a.path.localeCompare(b.path));
  const { verdict, file: verdictFile } = await verdictFromFiles(join(root, d.dir), files);
  return {
    dir: d.dir,
    name: d.kind,
    stampUtc: stampToIso(d.stamp),
    verdict,
    verdictFile,
    hasManifest: files.some((f) => f.path === "MANIFEST_SHA256.txt"),
    files,
    filesTruncated: truncated,
  };
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
