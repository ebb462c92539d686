// Reading runbooks (Markdown) the way GitHub renders them: heading anchors (so an alert's runbook_url
// `runbooks/livefeed.md#feedstalled` can be checked) and fenced code blocks by language.

/** GitHub's heading slug: lower case, punctuation dropped (except - and _), spaces to hyphens. */
export function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, "")
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** Every heading anchor in a Markdown text, with GitHub's -1, -2 suffixes for repeats. */
export function headingAnchors(markdown: string): string[] {
  const seen = new Map<string, number>();
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split("\n")) {
    const f = /^\s*(```|~~~)/.exec(line);
    if (f) {
      fence = fence === null ? f[1] : fence === f[1] ? null : fence;
      continue;
    }
    if (fence !== null) continue;
    const m = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = githubSlug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.push(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

export interface FencedBlock {
  readonly lang: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly body: string;
}

/** Fenced code blocks (``` only), optionally only those of one language. */
export function fencedBlocks(markdown: string, lang?: string): FencedBlock[] {
  const out: FencedBlock[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```\s*([\w-]*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    if (lang === undefined || open[1] === lang) {
      out.push({ lang: open[1], line: start + 1, body: body.join("\n") });
    }
  }
  return out;
}
