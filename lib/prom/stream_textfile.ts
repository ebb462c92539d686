// Textfiles that hold every stream ever reported (drift.prom, backtest.prom): a run replaces the series
// it owns and keeps the rest, so a report for ETH-USDT never erases BTC-USDT's, and a plain backtest
// never erases the parity series a --parity run left. Which series a run owns is the caller's rule.
// Parsing, merging and rendering are pure; mergeTextfile reads the old file and writes atomically.
import { join } from "node:path";
import { writeFileAtomic } from "../fs/atomic.ts";

/** The file's metrics with their HELP text, in the order they are rendered. */
export type MetricHelp = readonly (readonly [name: string, help: string])[];

export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const escapeLabel = (v: string) => v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
const unescapeLabel = (v: string) => v.replace(/\\(["\\n])/g, (_, c: string) => (c === "n" ? "\n" : c));

/** The samples of the named metrics in a file rendered here; other lines (comments, foreign series) are skipped. */
export function parseSamples(text: string, metrics: MetricHelp): PromSample[] {
  const names = new Set<string>(metrics.map(([n]) => n));
  const out: PromSample[] = [];
  for (const line of text.split("\n")) {
    const m = /^([a-z_0-9]+)\{(.*)\} (\S+)$/.exec(line);
    if (!m || !names.has(m[1])) continue;
    const labels: Record<string, string> = {};
    for (const l of m[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]] = unescapeLabel(l[2]);
    }
    const value = Number(m[3]);
    if (Number.isFinite(value)) out.push({ name: m[1], labels, value });
  }
  return out;
}

const labelText = (labels: Readonly<Record<string, string>>) =>
  Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",");

/**
 * Metrics in a fixed order, samples sorted by their labels, so the same data give the same bytes. A
 * metric without samples gets no HELP/TYPE either: the file names only what was measured.
 */
export function renderSamples(metrics: MetricHelp, samples: readonly PromSample[]): string {
  const lines: string[] = [];
  for (const [name, help] of metrics) {
    const rows = samples.filter((s) => s.name === name).map((s) =>
      `${name}{${labelText(s.labels)}} ${s.value}`
    );
    if (rows.length) lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, ...rows.sort());
  }
  return lines.join("\n") + "\n";
}

/** The previous file's samples this run does not own (`owned` false), then this run's, rendered. */
export function mergeSamples(
  previous: string,
  metrics: MetricHelp,
  owned: (s: PromSample) => boolean,
  fresh: readonly PromSample[],
): string {
  const kept = parseSamples(previous, metrics).filter((s) => !owned(s));
  return renderSamples(metrics, [...kept, ...fresh]);
}

/** Merges this run's samples into `<dir>/<name>` (missing: empty) and writes it atomically; returns its path. */
export async function mergeTextfile(
  dir: string,
  name: string,
  metrics: MetricHelp,
  owned: (s: PromSample) => boolean,
  fresh: readonly PromSample[],
): Promise<string> {
  if (!/^[A-Za-z0-9_.-]+\.prom$/.test(name)) throw new TypeError(`Textfile name "${name}" must end in .prom`);
  const path = join(dir, name);
  const previous = await Deno.readTextFile(path).catch((err) => {
    if (err instanceof Deno.errors.NotFound) return "";
    throw err;
  });
  await writeFileAtomic(path, mergeSamples(previous, metrics, owned, fresh));
  return path;
}

export interface Stream {
  readonly venue: string;
  readonly symbol: string;
  readonly interval: string;
}

/** Whether a sample's labels name the stream. */
export const ofStream = (l: Readonly<Record<string, string>>, s: Stream) =>
  l.venue === s.venue && l.symbol === s.symbol && l.interval === s.interval;
