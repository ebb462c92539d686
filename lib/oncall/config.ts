// config/oncall.json: the on-call check's thresholds, validated once at the edge. The groups system,
// errors, bots and reports are optional (a folder written before they existed still re-checks). The bots' loss and
// drawdown limits come from the loop's own config file (bots.risk_config), read by the loader into
// bots.risk, so a run's thresholds (kept in run.json) are complete and `evidence check` needs no other file.
import { z } from "zod";
import { JOBS } from "../config/components.ts";

export const ONCALL_CONFIG_PATH = "config/oncall.json";

const WINDOW = z.string().regex(/^\d+(s|m|h|d)$/, "a PromQL duration like 5m");
const UNIT_S: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
/** A WINDOW in seconds (its regex guarantees the shape). */
const windowS = (w: string) => Number(w.slice(0, -1)) * UNIT_S[w.slice(-1)];
const NONNEG = z.number().finite().min(0);
const RATIO = z.number().finite().min(0).max(1);
/** A PromQL label matcher list's inside, e.g. status=~"5..". */
const MATCH = z.string().regex(
  /^[a-zA-Z_]\w*(=|!=|=~|!~)"[^"]*"(,[a-zA-Z_]\w*(=|!=|=~|!~)"[^"]*")*$/,
  "label matchers",
);

export const RiskLimitsSchema = z.object({
  /** Quote units lost since the UTC day's first mark that trip the loop's kill switch. */
  max_daily_loss: z.number().finite().positive(),
  max_drawdown_bps: z.number().int().positive(),
  /** Where they were read. */
  source: z.string().min(1),
}).strict();
export type RiskLimits = Readonly<z.infer<typeof RiskLimitsSchema>>;

export const OncallConfigSchema = z.object({
  $comment: z.string().optional(),
  jobs: z.array(z.enum(JOBS)).min(1),
  feed_p99_latency_ms_max: z.number().finite().positive(),
  latency_window: WINDOW,
  bars_interval: z.enum(["1m", "1h"]),
  bars_window: WINDOW,
  active_lookback: WINDOW,
  reconnects_window: WINDOW,
  reconnects_max_per_venue: NONNEG,
  dq_window: WINDOW,
  gaps_max: NONNEG,
  nan_max: NONNEG,
  ai_event_age_max_s: z.number().finite().positive(),
  critical_alerts_max: z.number().int().min(0),
  system: z.object({
    $comment: z.string().optional(),
    window: WINDOW,
    cpu_busy_max: RATIO,
    memory_available_min: RATIO,
    disk_free_min: RATIO,
    fstypes_excluded: z.string().regex(/^[\w.|*-]+$/, "a regex of fstype names"),
  }).strict().optional(),
  errors: z.object({
    $comment: z.string().optional(),
    window: WINDOW,
    max: NONNEG,
    counters: z.partialRecord(
      z.enum(JOBS),
      z.object({ metric: z.string().regex(/^[a-zA-Z_:][\w:]*$/), match: MATCH.optional() }).strict(),
    ),
  }).strict().optional(),
  bots: z.object({
    $comment: z.string().optional(),
    risk_config: z.string().min(1),
    /** Filled by loadOncallConfig from risk_config; kept in run.json for the offline re-check. */
    risk: RiskLimitsSchema.optional(),
    window: WINDOW,
    equity_unexplained_max: RATIO,
    today_step: WINDOW,
    fills_window: WINDOW,
    fills_min: NONNEG,
    fills_max: NONNEG,
    inflight_window: WINDOW,
    heartbeat_age_max_s: z.number().finite().positive(),
    /** Optional so a folder's thresholds from before it existed still re-check (not checked there). */
    today_age_max_s: z.number().finite().positive().optional(),
  }).strict()
    .refine((b) => b.fills_min <= b.fills_max, "fills_min must not exceed fills_max")
    .refine(
      (b) => b.today_age_max_s === undefined || b.today_age_max_s > windowS(b.today_step),
      "today_age_max_s must exceed today_step (a fresh answer's newest point is up to one step old)",
    ).optional(),
  reports: z.object({
    $comment: z.string().optional(),
    drift_psi_max: z.number().finite().positive(),
    drift_max_age_s: z.number().finite().positive(),
    backtest_max_age_s: z.number().finite().positive(),
    /** The last passing backup drill's age; optional so a folder from before it existed re-checks. */
    backup_drill_max_age_s: z.number().finite().positive().optional(),
  }).strict().optional(),
}).strict();
export type OncallConfig = Readonly<z.infer<typeof OncallConfigSchema>>;

/** Validates parsed JSON; one TypeError line naming the field on failure. */
export function parseOncallConfig(raw: unknown, path = ONCALL_CONFIG_PATH): OncallConfig {
  const r = OncallConfigSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new TypeError(`Invalid ${path}: ${i.path.join(".") || "(root)"}: ${i.message}`);
  }
  return Object.freeze(r.data);
}

/** The loop's file's risk limits (units, as the file states them). */
export function riskLimitsOf(raw: unknown, path: string): RiskLimits {
  const r = z.object({ risk: RiskLimitsSchema.omit({ source: true }).loose() }).loose().safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new TypeError(`Invalid ${path}: ${i.path.join(".") || "(root)"}: ${i.message}`);
  }
  return {
    max_daily_loss: r.data.risk.max_daily_loss,
    max_drawdown_bps: r.data.risk.max_drawdown_bps,
    source: path,
  };
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw new TypeError(`Cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new TypeError(`Cannot parse ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The file, validated, with bots.risk read from bots.risk_config. */
export async function loadOncallConfig(path = ONCALL_CONFIG_PATH): Promise<OncallConfig> {
  const cfg = parseOncallConfig(await readJson(path), path);
  if (!cfg.bots) return cfg;
  const risk = riskLimitsOf(await readJson(cfg.bots.risk_config), cfg.bots.risk_config);
  return Object.freeze({ ...cfg, bots: Object.freeze({ ...cfg.bots, risk }) });
}
