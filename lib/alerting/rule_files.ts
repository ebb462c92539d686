// Reading Prometheus alerting rule files (config/prometheus/rules/*.yml) into plain data: which
// alerts exist, their severity and where their runbook section is. Tests and the demo copy use it.
import { z } from "zod";
import { parse } from "yaml";
import { basename } from "node:path";
import { ruleFilesIn } from "../prom/config.ts";

export const RULES_DIR = "config/prometheus/rules";
export const DEMO_RULES_DIR = "config/prometheus/rules_demo";

const RuleSchema = z.object({
  alert: z.string().optional(),
  record: z.string().optional(),
  expr: z.string().min(1),
  for: z.string().optional(),
  labels: z.record(z.string(), z.string()).default({}),
  annotations: z.record(z.string(), z.string()).default({}),
});
const RuleFileSchema = z.object({
  groups: z.array(z.object({ name: z.string().min(1), rules: z.array(RuleSchema) })),
});

export interface AlertRule {
  readonly file: string;
  readonly group: string;
  readonly name: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** Parses one rule file's text; a malformed file is a TypeError naming the file and field. */
export function parseAlertRules(text: string, file: string): AlertRule[] {
  const parsed = RuleFileSchema.safeParse(parse(text));
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new TypeError(`Invalid rule file ${file}: ${i.path.join(".") || "(root)"}: ${i.message}`);
  }
  const out: AlertRule[] = [];
  for (const g of parsed.data.groups) {
    for (const r of g.rules) {
      if (!r.alert) continue;
      out.push({
        file: basename(file),
        group: g.name,
        name: r.alert,
        expr: r.expr.trim(),
        for: r.for ?? "0s",
        labels: r.labels,
        annotations: r.annotations,
      });
    }
  }
  return out;
}

/** Every alert in every rule file of a folder (unit-test files excluded), in file order. */
export async function loadAlertRules(dir = RULES_DIR): Promise<AlertRule[]> {
  const out: AlertRule[] = [];
  for (const f of await ruleFilesIn(dir)) out.push(...parseAlertRules(await Deno.readTextFile(f), f));
  return out;
}

/** Splits `runbooks/livefeed.md#feedstalled` into the file and the anchor. */
export function splitRunbookUrl(url: string): { file: string; anchor: string } | null {
  const m = /^([^#\s]+\.md)#([a-z0-9_-]+)$/.exec(url);
  return m ? { file: m[1], anchor: m[2] } : null;
}
