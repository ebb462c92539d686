// /api/alerts: alerts currently firing, from Alertmanager API v2 (active, not silenced or inhibited).
import { z } from "zod";
import { fetchJson, type SourceReport, type UpstreamDeps } from "./upstream.ts";

const AlertsSchema = z.array(z.object({
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: z.string(),
  fingerprint: z.string().default(""),
  status: z.object({ state: z.string() }),
}));

export interface FiringAlert {
  readonly name: string;
  readonly severity: string;
  readonly state: string;
  readonly startsAt: string;
  readonly summary: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface AlertsView {
  readonly source: SourceReport;
  readonly alerts: readonly FiringAlert[];
}

export async function alertsView(deps: UpstreamDeps, alertmanagerUrl: string): Promise<AlertsView> {
  const url = `${alertmanagerUrl}/api/v2/alerts?active=true&silenced=false&inhibited=false`;
  const got = await fetchJson(deps, "alertmanager", url, AlertsSchema);
  if (got.data === null) return { source: got.report, alerts: [] };
  const alerts = got.data.map((a) => ({
    name: a.labels.alertname ?? "",
    severity: a.labels.severity ?? "",
    state: a.status.state,
    startsAt: a.startsAt,
    summary: a.annotations.summary ?? a.annotations.description ?? "",
    labels: a.labels,
  }));
  // Oldest first: the longest-burning problem leads.
  alerts.sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.name.localeCompare(b.name));
  return { source: got.report, alerts };
}
