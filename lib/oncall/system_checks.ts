// System health from node-exporter (CPU, memory, the fullest filesystem) and each component's error
// rate. No component counts the error lines it logs (lib/log.ts writes them and counts nothing), so a
// job's row reads the counter of the failures that component logs at error level (config errors.counters).
import type { QueryOutcome } from "../prom/client.ts";
import { fmtNum } from "../verify/gates.ts";
import type { OncallConfig } from "./config.ts";
import { labelsOf, num, type Rows, worst } from "./rows.ts";

export const SYSTEM_KEYS = ["cpu_busy", "memory_available", "disk_free"] as const;
export type SystemKey = typeof SYSTEM_KEYS[number];

export type SystemConfig = NonNullable<OncallConfig["system"]>;

export function systemQueries(s: SystemConfig): Record<SystemKey, string> {
  const fs = `{fstype!~"${s.fstypes_excluded}"}`;
  return {
    cpu_busy: `1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[${s.window}]))`,
    memory_available: "min by (instance) (node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)",
    disk_free:
      `min by (instance, mountpoint) (node_filesystem_avail_bytes${fs} / node_filesystem_size_bytes${fs})`,
  };
}

/** Jobs of the config with an error counter, in `jobs` order. */
export function errorJobs(cfg: OncallConfig): string[] {
  const c = cfg.errors?.counters ?? {};
  return cfg.jobs.filter((j) => c[j] !== undefined);
}

/**
 * One query for every job's error counter, each summed by job (their job labels differ, so `or` keeps
 * them all). A selector with label matchers falls back to 0 while its counter family is exported
 * without such a series (prom-client shows a label set only once it has counted one).
 */
export function errorsQuery(cfg: OncallConfig): string {
  const e = cfg.errors!, w = e.window;
  return errorJobs(cfg).flatMap((job) => {
    const c = e.counters[job as keyof typeof e.counters]!;
    const sel = `${c.metric}{job="${job}"${c.match ? `,${c.match}` : ""}}`;
    const parts = [`sum by (job) (increase(${sel}[${w}]))`];
    if (c.match) parts.push(`sum by (job) (0 * ${c.metric}{job="${job}"})`);
    return parts;
  }).join(" or ");
}

export function evaluateSystem(
  s: SystemConfig,
  q: Readonly<Partial<Record<SystemKey, QueryOutcome>>>,
  rows: Rows,
): void {
  const p = systemQueries(s);
  rows.judge(
    "system_cpu_busy_ratio",
    q.cpu_busy,
    p.cpu_busy,
    `<=${fmtNum(s.cpu_busy_max)}`,
    `no node_cpu_seconds_total in the last ${s.window}`,
    (x) => {
      const w = worst(x);
      const detail = `busiest ${w.metric.instance ?? "?"}; ` +
        x.map((y) => `${y.metric.instance ?? "?"}=${num(y.value, 3)}`).join(",");
      return {
        key: "system_cpu_busy_ratio",
        status: w.value <= s.cpu_busy_max ? "PASS" : "FAIL",
        value: w.value,
        detail,
      };
    },
  );
  rows.judge(
    "system_memory_available_ratio",
    q.memory_available,
    p.memory_available,
    `>=${fmtNum(s.memory_available_min)}`,
    "no node_memory_MemAvailable_bytes series",
    (x) => {
      const w = worst(x, true);
      const ok = w.value >= s.memory_available_min;
      return {
        key: "system_memory_available_ratio",
        status: ok ? "PASS" : "FAIL",
        value: w.value,
        detail: x.map((y) => `${y.metric.instance ?? "?"}=${num(y.value, 3)}`).join(","),
      };
    },
  );
  rows.judge(
    "system_disk_free_ratio",
    q.disk_free,
    p.disk_free,
    `>=${fmtNum(s.disk_free_min)}`,
    `no node_filesystem_avail_bytes series (fstypes other than ${s.fstypes_excluded})`,
    (x) => {
      const w = worst(x, true);
      const low = x.filter((y) => y.value < s.disk_free_min).map((y) =>
        labelsOf(y.metric, ["instance", "mountpoint"])
      );
      const detail = `fullest ${labelsOf(w.metric, ["instance", "mountpoint"])}` +
        (low.length ? `; below: ${low.sort().join(",")}` : `; ${x.length} filesystems`);
      return { key: "system_disk_free_ratio", status: low.length ? "FAIL" : "PASS", value: w.value, detail };
    },
  );
}

/** errors_<job> for each job with an error counter; NO_DATA when its counter is not exported. */
export function evaluateErrors(cfg: OncallConfig, o: QueryOutcome | undefined, rows: Rows): void {
  const e = cfg.errors!, promql = errorsQuery(cfg), want = `<=${fmtNum(e.max)}`;
  for (const job of errorJobs(cfg)) {
    const key = `errors_${job}`;
    const c = e.counters[job as keyof typeof e.counters]!;
    const name = `${c.metric}${c.match ? `{${c.match}}` : ""}`;
    rows.judge(
      key,
      o && o.ok ? { ...o, samples: o.samples.filter((x) => x.metric.job === job) } : o,
      promql,
      want,
      `no ${c.metric} series from job ${job}`,
      (x) => {
        const v = x.reduce((a, b) => a + b.value, 0);
        const detail = `${name} +${num(v, 2)} in the last ${e.window}`;
        return { key, status: v <= e.max ? "PASS" : "FAIL", value: v, detail };
      },
    );
  }
}
