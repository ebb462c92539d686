// /api/stack: every scrape job up/down (Prometheus `up`, enriched by /api/v1/targets) and whether
// Prometheus and Alertmanager answer at all.
import { promQuery, promTargets } from "./prom_api.ts";
import { fetchReady, type SourceReport, type UpstreamDeps } from "./upstream.ts";

export interface JobStatus {
  readonly job: string;
  readonly instance: string;
  /** From `up`: true 1, false 0, null when the target is known but not scraped yet. */
  readonly up: boolean | null;
  readonly scrapeUrl: string;
  readonly lastError: string;
  readonly lastScrape: string;
}

export interface StackView {
  readonly sources: {
    readonly prometheus: SourceReport;
    readonly alertmanager: SourceReport;
    readonly up: SourceReport;
    readonly targets: SourceReport;
  };
  readonly jobs: readonly JobStatus[];
  readonly jobsUp: number;
  readonly jobsDown: number;
}

export interface StackUrls {
  readonly prometheusUrl: string;
  readonly alertmanagerUrl: string;
}

export async function stackView(deps: UpstreamDeps, urls: StackUrls): Promise<StackView> {
  const [prometheus, alertmanager, up, targets] = await Promise.all([
    fetchReady(deps, "prometheus", `${urls.prometheusUrl}/-/ready`),
    fetchReady(deps, "alertmanager", `${urls.alertmanagerUrl}/-/ready`),
    promQuery(deps, urls.prometheusUrl, "up"),
    promTargets(deps, urls.prometheusUrl),
  ]);
  const byKey = new Map<string, JobStatus>();
  for (const s of up.series) {
    const job = s.labels.job ?? "";
    const instance = s.labels.instance ?? "";
    byKey.set(`${job}\n${instance}`, {
      job,
      instance,
      up: s.value === 1,
      scrapeUrl: "",
      lastError: "",
      lastScrape: "",
    });
  }
  for (const t of targets.targets) {
    const key = `${t.job}\n${t.instance}`;
    const known = byKey.get(key);
    byKey.set(key, {
      job: t.job,
      instance: t.instance,
      up: known ? known.up : null,
      scrapeUrl: t.scrapeUrl,
      lastError: t.lastError,
      lastScrape: t.lastScrape,
    });
  }
  const jobs = [...byKey.values()].sort((a, b) =>
    a.job.localeCompare(b.job) || a.instance.localeCompare(b.instance)
  );
  return {
    sources: { prometheus, alertmanager, up: up.report, targets: targets.report },
    jobs,
    jobsUp: jobs.filter((j) => j.up === true).length,
    jobsDown: jobs.filter((j) => j.up === false).length,
  };
}
