// The demo profile's alert rules: the production rules with time scaled down, so a stalled symbol
// alerts within seconds in a demo or test instead of minutes. Generated, never hand-edited: one
// source of truth (config/prometheus/rules/), and tests/alert_rules_test.ts checks the committed
// copy (config/prometheus/rules_demo/) is what this function makes.
import { basename, join } from "node:path";
import { writeFileAtomic } from "../fs/atomic.ts";
import { ruleFilesIn } from "../prom/config.ts";

/** Demo time runs this many times faster than production time. */
export const DEMO_TIME_RATIO = 20;
/** Floors that keep scaled durations meaningful with a 1-2 s scrape interval. */
const MIN_RANGE_S = 8;
const MIN_FOR_S = 2;

const UNIT_S: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

export function durationSeconds(d: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(d);
  if (!m) throw new SyntaxError(`Cannot scale duration "${d}": expected a number and ms, s, m or h`);
  return Number(m[1]) * UNIT_S[m[2]];
}

function scaled(d: string, min: number, ratio: number): string {
  const s = Math.max(min, Math.round(durationSeconds(d) / ratio));
  return s % 60 === 0 ? `${s / 60}m` : `${s}s`;
}

/**
 * Rewrites every range selector `[5m]` and every `for: 2m` in a rule file's text, keeping the rest
 * (comments, annotations, thresholds) byte for byte. Thresholds that are times (e.g. an event age in
 * seconds) are deliberately not scaled: they compare with wall-clock ages.
 */
export function demoRuleText(text: string, source: string, ratio = DEMO_TIME_RATIO): string {
  const body = text
    .replace(/\[(\d+(?:ms|s|m|h))\]/g, (_, d: string) => `[${scaled(d, MIN_RANGE_S, ratio)}]`)
    .replace(
      /^(\s+for: )(\d+(?:ms|s|m|h))[ \t]*$/gm,
      (_, pre: string, d: string) => pre + scaled(d, MIN_FOR_S, ratio),
    );
  const header = [
    `# GENERATED from ${source} by lib/alerting/demo_rules.ts (time ${ratio}x faster; ranges >= ${MIN_RANGE_S}s,`,
    `# for >= ${MIN_FOR_S}s). Do not edit: change the source and run`,
    "#   TICKPROOF_UPDATE_GOLDEN=1 deno test -A tests/alert_rules_test.ts",
  ];
  return header.join("\n") + "\n" + body;
}

/** Writes the demo copy of every rule file in `srcDir` into `outDir`; returns the written paths. */
export async function writeDemoRules(
  srcDir: string,
  outDir: string,
  ratio = DEMO_TIME_RATIO,
): Promise<string[]> {
  const out: string[] = [];
  for (const f of await ruleFilesIn(srcDir)) {
    const target = join(outDir, basename(f));
    await writeFileAtomic(target, demoRuleText(await Deno.readTextFile(f), join(srcDir, basename(f)), ratio));
    out.push(target);
  }
  return out;
}
