// `./tp version`: which release this is (its commit), the schema versions its code writes and reads
// for each store of data that outlives a binary, and (with --data) the versions the data on disk
// carries. One plain object for --json, rendered to lines here. Pure.
import { latest, type Registry } from "../util/schema_plan.ts";
import type { ReleaseCommit } from "./commit.ts";
import type { DataVersion } from "./data_versions.ts";
import type { Registries } from "./registries.ts";

export interface SchemaInfo {
  /** The version this code writes; it reads every version up to it (older data as it is). */
  readonly writes: number;
  readonly steps: readonly { readonly to: number; readonly reason: string; readonly down: boolean }[];
}

export interface VersionReport {
  readonly commit: ReleaseCommit;
  readonly schemas: { readonly store: SchemaInfo; readonly event_log: SchemaInfo };
  /** With --data: what the store and the state dir carry. */
  readonly data: { readonly store: DataVersion; readonly event_log: DataVersion } | null;
}

export function schemaInfo<C>(reg: Registry<C>): SchemaInfo {
  return {
    writes: latest(reg),
    steps: reg.migrations.map((m) => ({ to: m.to, reason: m.reason, down: m.down !== undefined })),
  };
}

export function versionReport(
  commit: ReleaseCommit,
  reg: Registries,
  data: VersionReport["data"],
): VersionReport {
  return {
    commit,
    schemas: { store: schemaInfo(reg.store), event_log: schemaInfo(reg.state) },
    data,
  };
}

const schemaLine = (what: string, s: SchemaInfo) => {
  const steps = s.steps.map((x) => `${x.to - 1}->${x.to}${x.down ? " reversible" : " one-way"}`);
  const reads = s.writes === 1 ? "1" : `1..${s.writes}`;
  return `${what}: version ${s.writes} (reads ${reads}; ${
    steps.length ? `migrations ${steps.join(", ")}` : "no migrations"
  })`;
};

const WHAT: Record<DataVersion["status"], string> = {
  current: "current",
  older: "older: its service migrates it at start, or ./tp migrate --up",
  newer: "NEWER than this release reads: it refuses to start on it",
  none: "none",
  locked: "cannot be read now",
  unreadable: "unreadable",
};

const dataLine = (what: string, d: DataVersion) =>
  `${what} ${d.path}: ${d.version === null ? "-" : `version ${d.version}`} (${WHAT[d.status]}` +
  (d.source ? `; from ${d.source})` : ")") + (d.detail ? `: ${d.detail}` : "");

/** The report as text lines. */
export function renderVersion(r: VersionReport): string[] {
  const c = r.commit;
  const head = c.source === "none"
    ? "tickproof unknown (not a git checkout, and no TICKPROOF_COMMIT given at build)"
    : `tickproof ${c.describe} (commit ${c.commit}${c.source === "env" ? ", from TICKPROOF_COMMIT" : ""})`;
  const lines = [
    head,
    schemaLine("store schema", r.schemas.store),
    schemaLine("event log schema (live state dir)", r.schemas.event_log),
  ];
  if (r.data) {
    lines.push(dataLine("data: store", r.data.store), dataLine("data: state dir", r.data.event_log));
  }
  return lines;
}
