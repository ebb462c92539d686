// The shift's incidents for the handover, pure: Alertmanager's API answers only the alerts active now
// (a resolved one is gone from it), so the shift's history is Prometheus's own record of what it sent
// Alertmanager, the ALERTS series at alertstate="firing", read as a range answer; each unbroken firing
// stretch of one label set is an incident. Alertmanager's active alerts add their summary, fingerprint
// and start (and any alert only Alertmanager holds); a resolved one's summary is its rule's template.
// Everything is judged at the run's evaluation time (judged_at), never at the newest point of the answer,
// so `evidence check` renders the same incidents again from the stored answers.
import type { AlertsOutcome } from "../alerting/am_client.ts";
import type { QueryOutcome } from "../prom/client.ts";

/** The shift the handover looks back over, and the resolution of that look. */
export const HANDOVER_LOOKBACK_S = 12 * 3600;
export const HANDOVER_LOOKBACK = `${HANDOVER_LOOKBACK_S / 3600}h`;
export const HANDOVER_STEP_S = 60;
export const ALERTS_HISTORY_QUERY = `ALERTS{alertstate="firing"}[${HANDOVER_LOOKBACK}:${HANDOVER_STEP_S}s]`;

export interface Incident {
  /**
   * `<alertname>-<8 hex of its labels>-<start, UTC YYYYMMDDTHHMMZ>`, or `<alertname>-<8 hex>` when the
   * start is unknown (began before the window): stable across handovers.
   */
  readonly id: string;
  readonly alertname: string;
  readonly severity: string;
  /** Unix seconds; the window's start when `startedBefore`. */
  readonly startedAt: number;
  /** It was firing at the window's first step and nothing says since when: it began before startedAt. */
  readonly startedBefore: boolean;
  /** Unix seconds of the last firing point; null while it still fires. */
  readonly endedAt: number | null;
  readonly summary: string;
  /** Alertmanager's fingerprint while it holds the alert. */
  readonly fingerprint: string | null;
  /** The alert's labels but alertname and severity, `k=v` sorted. */
  readonly labels: string;
}

/** Alert name -> its rule's summary template and severity, from GET /api/v1/rules. */
export function ruleSummaries(raw: string): Map<string, { summary: string; severity: string }> {
  const out = new Map<string, { summary: string; severity: string }>();
  try {
    const body = JSON.parse(raw) as {
      data?: {
        groups?: {
          rules?: {
            type?: string;
            name?: string;
            labels?: Record<string, string>;
            annotations?: Record<string, string>;
          }[];
        }[];
      };
    };
    for (const g of body.data?.groups ?? []) {
      for (const r of g.rules ?? []) {
        if (r.type === "alerting" && r.name) {
          out.set(r.name, { summary: r.annotations?.summary ?? "", severity: r.labels?.severity ?? "" });
        }
      }
    }
  } catch { /* no rules: summaries fall back to the alert name */ }
  return out;
}

/** `{{ $labels.x }}` filled from the labels; any other template action left as `…`. */
export function fillTemplate(t: string, labels: Readonly<Record<string, string>>): string {
  return t.replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_, k: string) => labels[k] ?? "").replace(
    /\{\{[^}]*\}\}/g,
    "…",
  );
}

/** FNV-1a, 32 bits, as 8 hex digits: a short stable name for a label set (not a security hash). */
export function labelHash(labels: Readonly<Record<string, string>>): string {
  const text = Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(",");
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

const stamp = (s: number) => new Date(s * 1000).toISOString().replace(/[-:]/g, "").slice(0, 13) + "Z";
const without = (m: Readonly<Record<string, string>>, drop: readonly string[]) =>
  Object.fromEntries(Object.entries(m).filter(([k]) => !drop.includes(k)));
const sameSet = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

function incident(
  labels: Record<string, string>,
  start: { at: number; before: boolean },
  endedAt: number | null,
  summary: string,
  fingerprint: string | null,
): Incident {
  const alertname = labels.alertname ?? "?";
  return {
    id: `${alertname}-${labelHash(labels)}${start.before ? "" : `-${stamp(start.at)}`}`,
    alertname,
    severity: labels.severity ?? "",
    startedAt: start.at,
    startedBefore: start.before,
    endedAt,
    summary,
    fingerprint,
    labels: Object.entries(without(labels, ["alertname", "severity"])).sort(([a], [b]) => a < b ? -1 : 1)
      .map(([k, v]) => `${k}=${v}`).join(","),
  };
}

/** Alertmanager's startsAt in Unix seconds, null when unreadable. */
function amStart(startsAt: string): number | null {
  const ms = Date.parse(startsAt);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}

export interface IncidentsOptions {
  /** Alert name -> its rule's summary and severity (ruleSummaries). */
  readonly rules: ReadonlyMap<string, { summary: string; severity: string }>;
  /** The evaluation time the history answer ends at (Unix ms): the run's judged_at. */
  readonly atMs: number;
  /** The history's resolution; default HANDOVER_STEP_S. */
  readonly stepS?: number;
}

/**
 * Incidents of the shift, oldest first: firing stretches of ALERTS (a gap over 1.5 steps ends one; a
 * stretch whose last point is within 1.5 steps of `atMs` still fires), then Alertmanager's active alerts
 * that match none of them. A stretch already firing at the window's first step began before the window:
 * its start is Alertmanager's startsAt while Alertmanager holds it, else unknown (`startedBefore`).
 */
export function incidentsFrom(
  history: QueryOutcome,
  alerts: AlertsOutcome,
  { rules, atMs, stepS = HANDOVER_STEP_S }: IncidentsOptions,
): Incident[] {
  const active = alerts.ok ? alerts.alerts : [];
  const atS = atMs / 1000;
  const windowStart = Math.floor(atS) - HANDOVER_LOOKBACK_S;
  const out: Incident[] = [];
  const matched = new Set<string>();
  for (const s of history.ok ? history.samples : []) {
    const labels = without(s.metric, ["__name__", "alertstate"]);
    const pts = (s.values ?? []).map(([t]) => t).sort((a, b) => a - b);
    let start = 0;
    for (let i = 0; i < pts.length; i++) {
      if (i + 1 < pts.length && pts[i + 1] - pts[i] <= stepS * 1.5) continue;
      const firing = pts[i] >= atS - stepS * 1.5;
      const am = firing ? active.find((a) => sameSet(a.labels, labels)) : undefined;
      if (am) matched.add(am.fingerprint);
      const rule = rules.get(labels.alertname ?? "");
      const summary = am?.annotations.summary ?? fillTemplate(rule?.summary ?? "", labels);
      // No earlier step inside the window: it may have fired long before.
      const early = pts[start] - stepS <= windowStart;
      const known = early && am ? amStart(am.startsAt) : null;
      const begun = known !== null
        ? { at: known, before: false }
        : early
        ? { at: windowStart, before: true }
        : { at: pts[start], before: false };
      out.push(
        incident(
          labels,
          begun,
          firing ? null : pts[i],
          summary || (labels.alertname ?? "?"),
          am?.fingerprint ?? null,
        ),
      );
      start = i + 1;
    }
  }
  for (const a of active) {
    if (matched.has(a.fingerprint)) continue;
    out.push(
      incident(
        { ...a.labels },
        { at: amStart(a.startsAt) ?? 0, before: false },
        null,
        a.annotations.summary ?? a.labels.alertname ?? "?",
        a.fingerprint,
      ),
    );
  }
  return out.sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : 1));
}
