// What `./tp backup` and `./tp restore` print: a few lines per backup, from its manifest and a verify
// result. Pure.
import { CHECKS, type Problems } from "./compare.ts";
import type { BackupManifest } from "./manifest.ts";

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** The lines that say what a backup holds. */
export function describeBackup(dir: string, m: BackupManifest): string[] {
  const tables = Object.entries(m.duckdb.tables).map(([t, n]) => `${t} ${n}`).join(", ") || "no tables";
  const ls = m.live_state;
  const log = ls?.event_log;
  return [
    `backup: ${dir}`,
    `store: ${tables} rows, exported by ${m.sources.store_copied_by} from ${m.sources.store}`,
    `parquet: ${
      m.parquet ? `${m.parquet.files} files, ${m.parquet.rows} rows` : `none (no ${m.sources.parquet_dir})`
    }`,
    ls && log
      ? `live state: ${ls.files} files; event log ${log.runs.length} runs, ${log.records} records` +
        (log.last ? `, last run ${log.last.run} seq ${log.last.seq} (${log.last.hash.slice(0, 12)})` : "") +
        `; replays to ${ls.oms.classification}, ${ls.oms.orders} orders`
      : `live state: none (no ${m.sources.state_dir})`,
    `config: ${m.config ? `${m.config.files} files` : "none"}`,
    `files: ${m.files.length}, ${mb(m.files.reduce((n, f) => n + f.size, 0))}; commit ${m.tickproof_commit}` +
    (m.schema ? `; schema store ${m.schema.store ?? "-"}, state dir ${m.schema.state ?? "-"}` : ""),
  ];
}

/** One line per check (ok, or its first problem and how many more), for `restore --verify`. */
export function describeChecks(p: Problems): string[] {
  return CHECKS.map((c) => {
    const list = p[c];
    if (list.length === 0) return `${c}: ok`;
    return `${c}: FAIL ${list[0]}${list.length > 1 ? ` (and ${list.length - 1} more)` : ""}`;
  });
}
