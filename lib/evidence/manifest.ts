// MANIFEST_SHA256.txt in coreutils format, so `sha256sum -c --strict MANIFEST_SHA256.txt` passes.
import { join, relative, sep } from "node:path";
import { sha256File } from "./sha256.ts";

export const MANIFEST_NAME = "MANIFEST_SHA256.txt";
/** The manifest's SSHSIG signature: beside the manifest, never listed in it. */
export const SIGNATURE_NAME = `${MANIFEST_NAME}.sig`;

/** Every regular file under `dir` (relative paths, sorted), except the manifest and its signature. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string) {
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      if (e.isDirectory) await walk(p);
      else if (e.isFile) out.push(relative(dir, p).split(sep).join("/"));
    }
  }
  await walk(dir);
  return out.filter((f) => f !== MANIFEST_NAME && f !== SIGNATURE_NAME).sort();
}

/**
 * Builds the manifest text: one `<hex>  <path>` line per file. coreutils escapes names with
 * backslashes or newlines; evidence files never have them, so such a name is refused instead.
 */
export async function buildManifest(dir: string): Promise<string> {
  const lines: string[] = [];
  for (const rel of await listFiles(dir)) {
    if (/[\\\n\r]/.test(rel)) {
      throw new TypeError(`Cannot list "${rel}" in a manifest: backslash or newline in name`);
    }
    lines.push(`${(await sha256File(join(dir, rel))).sha256}  ${rel}`);
  }
  return lines.join("\n") + (lines.length ? "\n" : "");
}

/** Checks a folder against its manifest; returns the problems (empty = intact). */
export async function checkManifest(dir: string): Promise<string[]> {
  const text = await Deno.readTextFile(join(dir, MANIFEST_NAME));
  const problems: string[] = [];
  const listed = new Set<string>();
  for (const line of text.split("\n").filter(Boolean)) {
    const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (!m) {
      problems.push(`bad manifest line: ${line}`);
      continue;
    }
    listed.add(m[2]);
    try {
      const got = (await sha256File(join(dir, m[2]))).sha256;
      if (got !== m[1]) problems.push(`checksum mismatch: ${m[2]}`);
    } catch {
      problems.push(`missing: ${m[2]}`);
    }
  }
  for (const f of await listFiles(dir)) if (!listed.has(f)) problems.push(`not in manifest: ${f}`);
  return problems;
}
