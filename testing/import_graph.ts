// The project's own import graph, read from the source text: every static `from "..."`, side-effect
// `import "..."` and dynamic `import("...")` with a relative specifier, resolved to a path from the
// project root. npm:/node:/bare specifiers are not project files and are left out.
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Not project source: installed tools, run output, generated data. */
const SKIP_DIRS = new Set([".git", "tools", "node_modules", ".local_tmp", "logs", "data"]);

const SPEC = /(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"'\n]+)["']/g;

export interface Edge {
  /** Importing file, e.g. `lib/feed/service.ts`. */
  readonly from: string;
  /** Imported file as resolved, e.g. `lib/bars/bar_pipeline.ts`. */
  readonly to: string;
}

/** Relative import targets of one file's text; comment lines are skipped. */
export function importsOf(file: string, text: string): string[] {
  const code = text.split("\n").filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l)).join("\n");
  const out: string[] = [];
  for (const m of code.matchAll(SPEC)) {
    if (m[1].startsWith("./") || m[1].startsWith("../")) out.push(normalize(join(dirname(file), m[1])));
  }
  return out;
}

/** Every .ts/.js file under the root, as root-relative paths with forward slashes, sorted. */
export async function sourceFiles(root = ROOT): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(join(root, dir))) {
      const path = dir === "" ? e.name : `${dir}/${e.name}`;
      if (e.isDirectory && !SKIP_DIRS.has(e.name)) await walk(path);
      else if (e.isFile && /\.(ts|js)$/.test(e.name)) out.push(path);
    }
  };
  await walk("");
  return out.sort();
}

/** All import edges between project files. */
export async function importGraph(root = ROOT): Promise<Edge[]> {
  const edges: Edge[] = [];
  for (const from of await sourceFiles(root)) {
    const text = await Deno.readTextFile(join(root, from));
    for (const to of importsOf(from, text)) edges.push({ from, to });
  }
  return edges;
}

/** Each group of files that import each other in a cycle, once, sorted (Tarjan's SCCs). */
export function cycles(edges: readonly Edge[]): string[] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], onStack = new Set<string>(), out: string[] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    const selfLoop = (next.get(v) ?? []).includes(v);
    if (scc.length > 1 || selfLoop) out.push(scc.sort().join(", "));
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return out;
}
