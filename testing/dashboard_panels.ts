// Grafana dashboard JSON (config/grafana/dashboards/*.json) as plain panel records: which query each
// panel runs, its unit and datasource. Rows are flattened; only the fields the checks need are read.
import { z } from "zod";
import { basename, join } from "node:path";

export const DASHBOARD_DIR = "config/grafana/dashboards";
/** The dashboards the feed stack fills (simulator, feed, shadow, exporter, web). */
export const FEED_DASHBOARDS: readonly string[] = ["ai_live.json", "data_quality.json", "feed_overview.json"];
/** The ones that need the live loop and node-exporter (and their textfile metrics) too. */
export const TRADING_DASHBOARDS: readonly string[] = ["system_health.json", "trading.json"];
export const DATASOURCE_PROVISIONING = "config/grafana/provisioning/datasources/prometheus.yml";

const DatasourceRef = z.object({ type: z.string().optional(), uid: z.string().optional() }).nullish();
const TargetSchema = z.object({
  refId: z.string().default(""),
  expr: z.string().optional(),
  legendFormat: z.string().optional(),
  datasource: DatasourceRef,
})
  .loose();

interface RawPanel {
  id?: number;
  type: string;
  title?: string;
  datasource?: z.infer<typeof DatasourceRef>;
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: z.infer<typeof TargetSchema>[];
  panels?: RawPanel[];
}
const PanelSchema: z.ZodType<RawPanel> = z.lazy(() =>
  z.object({
    id: z.number().int().optional(),
    type: z.string(),
    title: z.string().optional(),
    datasource: DatasourceRef,
    fieldConfig: z.object({ defaults: z.object({ unit: z.string().optional() }).loose().optional() }).loose()
      .optional(),
    targets: z.array(TargetSchema).optional(),
    panels: z.array(PanelSchema).optional(),
  }).loose()
);
export const DashboardSchema = z.object({
  uid: z.string().min(1),
  title: z.string().min(1),
  schemaVersion: z.number().int(),
  panels: z.array(PanelSchema),
}).loose();

export interface PanelQuery {
  readonly refId: string;
  readonly expr: string;
  /** Datasource uid of the target, else of the panel; "" when neither names one. */
  readonly datasourceUid: string;
  /** Labels the legend reads from each result series (`{{venue}}`). */
  readonly legendLabels: readonly string[];
}

export interface PanelInfo {
  readonly file: string;
  readonly dashboard: string;
  readonly id: number;
  readonly title: string;
  readonly type: string;
  /** fieldConfig.defaults.unit, "" when unset. */
  readonly unit: string;
  readonly queries: readonly PanelQuery[];
}

/** Parses one dashboard's JSON text; a malformed file is a TypeError naming the file and field. */
export function parseDashboard(text: string, file: string): PanelInfo[] {
  const parsed = DashboardSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new TypeError(`Invalid dashboard ${file}: ${i.path.join(".") || "(root)"}: ${i.message}`);
  }
  const out: PanelInfo[] = [];
  const visit = (p: RawPanel) => {
    if (p.type === "row") {
      for (const c of p.panels ?? []) visit(c);
      return;
    }
    out.push({
      file: basename(file),
      dashboard: parsed.data.title,
      id: p.id ?? 0,
      title: p.title ?? "",
      type: p.type,
      unit: p.fieldConfig?.defaults?.unit ?? "",
      queries: (p.targets ?? []).filter((t) => t.expr !== undefined).map((t) => ({
        refId: t.refId,
        expr: t.expr!,
        datasourceUid: t.datasource?.uid ?? p.datasource?.uid ?? "",
        legendLabels: [...(t.legendFormat ?? "").matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]),
      })),
    });
  };
  for (const p of parsed.data.panels) visit(p);
  return out;
}

/** Every panel of every dashboard JSON file in `dir` (or of the named files only), files in name order. */
export async function loadDashboards(dir = DASHBOARD_DIR, only?: readonly string[]): Promise<PanelInfo[]> {
  const files: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".json") && (!only || only.includes(e.name))) files.push(e.name);
  }
  const out: PanelInfo[] = [];
  for (const f of files.sort()) out.push(...parseDashboard(await Deno.readTextFile(join(dir, f)), f));
  return out;
}
