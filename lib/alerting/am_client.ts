// Alertmanager API v2 client (GET /api/v2/alerts, POST /api/v2/silences): keeps the raw body as
// evidence and turns every failure into a result, never a throw. Shared by ./tp oncall, tests and
// the chaos checks.
import { z } from "zod";
import { type Clock, pollUntil, realClock } from "../async/poll.ts";

const AlertSchema = z.object({
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: z.string(),
  endsAt: z.string().default(""),
  fingerprint: z.string().default(""),
  receivers: z.array(z.object({ name: z.string() })).default([]),
  status: z.object({
    state: z.enum(["active", "suppressed", "unprocessed"]),
    silencedBy: z.array(z.string()).default([]),
    inhibitedBy: z.array(z.string()).default([]),
  }),
});
const AlertsSchema = z.array(AlertSchema);

export type AmAlert = z.infer<typeof AlertSchema>;

export interface AlertsOutcome {
  readonly url: string;
  /** The body exactly as Alertmanager sent it (or the error, as JSON). */
  readonly raw: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly alerts: readonly AmAlert[];
}

export type Fetch = typeof fetch;

function reason(err: unknown): string {
  let msg = err instanceof Error ? err.message : String(err);
  if (err instanceof Error && err.cause instanceof Error) msg += `: ${err.cause.message}`;
  return msg.split("\n")[0];
}

/** Every alert Alertmanager holds (active, silenced, inhibited, unprocessed); resolved ones are gone. */
export async function getAlerts(amUrl: string, f: Fetch = fetch): Promise<AlertsOutcome> {
  const url = `${amUrl}/api/v2/alerts`;
  let raw = "";
  try {
    const res = await f(url, { signal: AbortSignal.timeout(5000) });
    raw = await res.text();
    if (!res.ok) return { url, raw, ok: false, error: `HTTP ${res.status}`, alerts: [] };
  } catch (err) {
    const error = reason(err);
    return { url, raw: raw || JSON.stringify({ error }), ok: false, error, alerts: [] };
  }
  return parseAlertsAnswer(url, raw);
}

/**
 * A 2xx `GET /api/v2/alerts` body -> the outcome. Pure: a live answer and one stored in evidence
 * (`evidence check` recomputes the on-call checks from it) go through the same parser.
 */
export function parseAlertsAnswer(url: string, raw: string): AlertsOutcome {
  try {
    return { url, raw, ok: true, alerts: AlertsSchema.parse(JSON.parse(raw)) };
  } catch (err) {
    const error = reason(err);
    return { url, raw: raw || JSON.stringify({ error }), ok: false, error, alerts: [] };
  }
}

/** Firing, critical, and nobody has silenced or inhibited it: what on-call must act on. */
export function unaddressedCritical(alerts: readonly AmAlert[]): AmAlert[] {
  return alerts.filter((a) =>
    a.labels.severity === "critical" && a.status.state === "active" &&
    a.status.silencedBy.length === 0 && a.status.inhibitedBy.length === 0
  );
}

export interface WaitOptions {
  /** Extra labels the alert must carry, e.g. { venue: "binance", symbol: "BTC-USDT" }. */
  labels?: Record<string, string>;
  everyMs?: number;
  clock?: Clock;
  fetch?: Fetch;
  signal?: AbortSignal;
}

export interface WaitResult {
  /** True when the wanted state was seen before the deadline. */
  readonly reached: boolean;
  /** The matching alerts at the last look (empty when resolved). */
  readonly alerts: readonly AmAlert[];
  readonly last: AlertsOutcome;
}

/**
 * Waits until an alert named `name` is firing in Alertmanager (state "active", not silenced or
 * inhibited), or until none is there any more ("resolved": Alertmanager drops resolved alerts from
 * the API). An unreachable Alertmanager counts as neither.
 */
export async function waitForAlert(
  amUrl: string,
  name: string,
  state: "firing" | "resolved",
  timeoutMs: number,
  opts: WaitOptions = {},
): Promise<WaitResult> {
  let last: AlertsOutcome = { url: amUrl, raw: "", ok: false, error: "not asked yet", alerts: [] };
  let matching: AmAlert[] = [];
  const want = { ...opts.labels, alertname: name };
  const reached = await pollUntil(
    async () => {
      last = await getAlerts(amUrl, opts.fetch);
      if (!last.ok) return undefined;
      matching = last.alerts.filter((a) => Object.entries(want).every(([k, v]) => a.labels[k] === v));
      const firing = matching.filter((a) => a.status.state === "active");
      if (state === "firing") return firing.length > 0 ? true : undefined;
      return matching.length === 0 ? true : undefined;
    },
    timeoutMs,
    opts.everyMs ?? 500,
    opts.clock ?? realClock,
    opts.signal,
  );
  return { reached: reached === true, alerts: matching, last };
}

/** Silences alerts matching `labels` exactly for `durationMs`; returns the silence id. */
export async function createSilence(
  amUrl: string,
  labels: Record<string, string>,
  nowMs: number,
  durationMs: number,
  comment: string,
  f: Fetch = fetch,
): Promise<string> {
  const body = {
    matchers: Object.entries(labels).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true })),
    startsAt: new Date(nowMs).toISOString(),
    endsAt: new Date(nowMs + durationMs).toISOString(),
    createdBy: "tickproof",
    comment,
  };
  const res = await f(`${amUrl}/api/v2/silences`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${amUrl}/api/v2/silences answered HTTP ${res.status}: ${text.trim()}`);
  return z.object({ silenceID: z.string() }).parse(JSON.parse(text)).silenceID;
}
