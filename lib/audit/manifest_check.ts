// The manifest, checked the way `sha256sum -c --strict MANIFEST_SHA256.txt` checks it (every line
// well formed, every listed file present with that SHA-256), plus what sha256sum cannot see: no file
// in the folder that the manifest does not list. Only the manifest and its signature are exempt.
import { join, relative, sep } from "node:path";
import { SIGNATURE_NAME } from "../evidence/kinds.ts";
import { MANIFEST_NAME } from "../evidence/manifest.ts";
import { sha256File } from "../evidence/sha256.ts";
import { type CheckRow, problem, readText, row } from "./rows.ts";

export interface ManifestLine {
  readonly hex: string;
  readonly path: string;
}

/**
 * One manifest line as coreutils reads it: `<hex>  <path>` (text mode), `<hex> *<path>` (binary)
 * or the BSD form `SHA256 (<path>) = <hex>`; null when improperly formatted. Escaped names (a
 * leading backslash) never occur in evidence and are refused.
 */
export function parseManifestLine(line: string): ManifestLine | null {
  const gnu = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
  const bsd = /^SHA256 \((.+)\) = ([0-9a-fA-F]{64})$/.exec(line);
  const m = gnu ? { hex: gnu[1], path: gnu[2] } : bsd ? { hex: bsd[2], path: bsd[1] } : null;
  return m ? { hex: m.hex.toLowerCase(), path: m.path } : null;
}

/** Every entry under `dir` that is not a folder (files, symlinks...), "/"-separated, sorted. */
async function entries(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string) {
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      if (e.isDirectory) await walk(p);
      else out.push(relative(dir, p).split(sep).join("/"));
    }
  }
  await walk(dir);
  return out.sort();
}

const short = (hex: string) => `sha256 ${hex.slice(0, 12)}…`;

export async function checkManifestStrict(dir: string): Promise<CheckRow[]> {
  const text = await readText(dir, MANIFEST_NAME);
  if (text === null) {
    return [
      problem("manifest", MANIFEST_NAME, "missing", `${MANIFEST_NAME} missing: nothing can be checked`),
    ];
  }
  const rows: CheckRow[] = [];
  const listed = new Set<string>();
  const lines = text.endsWith("\n") ? text.slice(0, -1).split("\n") : text.split("\n");
  for (const [i, line] of lines.entries()) {
    const m = parseManifestLine(line);
    const where = `${MANIFEST_NAME} line ${i + 1}`;
    if (!m || m.path.startsWith("\\") || m.path.startsWith("/") || m.path.split("/").includes("..")) {
      rows.push(problem(`manifest line ${i + 1}`, line.slice(0, 40), "-", `${where}: improperly formatted`));
      continue;
    }
    if (listed.has(m.path)) {
      rows.push(
        problem(`manifest: ${m.path}`, "listed twice", "-", `${m.path}: listed twice in the manifest`),
      );
    }
    listed.add(m.path);
    let got: string;
    try {
      const info = await Deno.lstat(join(dir, m.path));
      if (!info.isFile) throw new Error("not a regular file");
      got = (await sha256File(join(dir, m.path))).sha256;
    } catch {
      rows.push(
        problem(`manifest: ${m.path}`, "listed", "missing", `${m.path}: listed in the manifest but missing`),
      );
      continue;
    }
    if (got !== m.hex) {
      rows.push(
        problem(`manifest: ${m.path}`, short(m.hex), short(got), `${m.path}: checksum differs (FAILED)`),
      );
    }
  }
  for (const f of await entries(dir)) {
    if (f === MANIFEST_NAME || f === SIGNATURE_NAME || listed.has(f)) continue;
    rows.push(problem(`manifest: ${f}`, "(not listed)", "present", `${f}: not in the manifest`));
  }
  if (rows.length === 0) rows.push(row("manifest", `${listed.size} files`, `${listed.size} files`));
  return rows;
}
