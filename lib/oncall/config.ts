// config/oncall.json: the on-call check's thresholds, validated once at the edge.
import { z } from "zod";

export const ONCALL_CONFIG_PATH = "config/oncall.json";

const WINDOW = z.string().regex(/^\d+(s|m|h)$/, "a PromQL duration like 5m");
const NONNEG = z.number().finite().min(0);

export const OncallConfigSchema = z.object({
  $comment: z.string().optional(),
  jobs: z.array(z.enum(["ai_live", "peak_trade_web", "shadow_mvs", "live_connector"])).min(1),
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

export async function loadOncallConfig(path = ONCALL_CONFIG_PATH): Promise<OncallConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw new TypeError(`Cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new TypeError(`Cannot parse ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseOncallConfig(raw, path);
}
