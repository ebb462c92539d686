// Serving one evidence file read-only: streamed from disk, typed by extension, and sandboxed so a file
// with markup in it can never run as part of the page.
import { extname } from "node:path";
import { resolveEvidenceFile } from "./evidence.ts";

export const EVIDENCE_PREFIX = "/api/evidence/";

const TEXT = "text/plain; charset=utf-8";
/** Anything not listed is a download. HTML and SVG are shown as text on purpose (no script on our origin). */
const TYPES: Readonly<Record<string, string>> = {
  ".txt": TEXT,
  ".log": TEXT,
  ".md": TEXT,
  ".prom": TEXT,
  ".yml": TEXT,
  ".yaml": TEXT,
  ".csv": TEXT,
  ".tsv": TEXT,
  ".jsonl": TEXT,
  ".ndjson": TEXT,
  ".html": TEXT,
  ".svg": TEXT,
  ".sha256": TEXT,
  ".json": "application/json; charset=utf-8",
  ".png": "image/png",
};

export function evidenceContentType(name: string): string {
  return TYPES[extname(name).toLowerCase()] ?? "application/octet-stream";
}

/** `segments` are the raw (still percent-encoded) URL segments after /api/evidence/. */
export async function evidenceFileResponse(root: string, segments: readonly string[]): Promise<Response> {
  const file = await resolveEvidenceFile(root, segments);
  const contentType = evidenceContentType(file);
  const f = await Deno.open(file, { read: true });
  const size = (await f.stat()).size;
  const headers: Record<string, string> = {
    "content-type": contentType,
    "content-length": String(size),
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; sandbox",
  };
  if (contentType === "application/octet-stream") {
    headers["content-disposition"] = `attachment; filename="${
      encodeURIComponent(segments.at(-1) ?? "file")
    }"`;
  }
  // The stream closes the file when fully read or cancelled (HEAD cancels it).
  return new Response(f.readable, { status: 200, headers });
}
