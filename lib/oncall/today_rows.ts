// The bots' "today" rows (bot_pnl_today, bot_drawdown_max_today) from a range answer such as
// live_loop_equity[1d:30s]. Today is the UTC day of the check's evaluation time, never the newest point's:
// a loop not scraped since yesterday has no point today (NO_DATA, naming the newest point it did have), and
// one whose newest point is older than bots.today_age_max_s is stale (NO_DATA, naming that point's age),
// so what a loop showed before it stopped being scraped is never judged as its day.
import type { QueryOutcome, Sample } from "../prom/client.ts";
import { errorRow, noDataRow, type Row } from "./rows.ts";

const DAY_S = 86_400;
export type Points = [number, number][];

/** A range answer's finite points in the UTC day of `atMs` (the check's time), oldest first. */
export function todayPoints(s: Sample, atMs: number): Points {
  const midnight = Math.floor(atMs / 1000 / DAY_S) * DAY_S;
  return (s.values ?? []).filter(([t, x]) => Number.isFinite(x) && t >= midnight);
}

const iso = (t: number) => new Date(t * 1000).toISOString().replace(".000Z", "Z");
export const inst = (s: Sample) => s.metric.instance ?? "?";

export interface TodayOptions {
  /** The check's evaluation time (ms). */
  readonly atMs: number;
  /** The series the row reads, for its NO_DATA detail. */
  readonly metric: string;
  /** bots.today_age_max_s; absent (a folder's thresholds from before it existed): not checked. */
  readonly ageMaxS?: number;
}

/** ERROR on a failed query; NO_DATA without a point today or with a stale newest one; else `judge`. */
export function todayRow(
  key: string,
  o: QueryOutcome | undefined,
  opts: TodayOptions,
  judge: (pts: [Sample, Points][]) => Row,
): Row {
  if (!o || !o.ok) return errorRow(key, o);
  const pts = o.samples.map((s) => [s, todayPoints(s, opts.atMs)] as [Sample, Points]).filter(([, p]) =>
    p.length
  );
  if (pts.length === 0) {
    const newest = o.samples.flatMap((s) =>
      (s.values ?? []).filter(([, x]) => Number.isFinite(x)).map(([t]) => ({ s, t }))
    ).reduce<{ s: Sample; t: number } | null>((a, c) => a === null || c.t > a.t ? c : a, null);
    const seen = newest ? `; newest point ${iso(newest.t)} (${inst(newest.s)})` : "";
    return noDataRow(key, `no ${opts.metric} today (UTC day of ${iso(opts.atMs / 1000)})${seen}`);
  }
  if (opts.ageMaxS !== undefined) {
    const ages = pts.map(([s, p]) => ({
      s,
      t: p[p.length - 1][0],
      age: opts.atMs / 1000 - p[p.length - 1][0],
    }));
    const stale = ages.filter((a) => a.age > opts.ageMaxS!);
    if (stale.length) {
      const w = stale.reduce((a, c) => c.age > a.age ? c : a);
      return noDataRow(
        key,
        `stale: newest ${opts.metric} point ${Math.round(w.age)} s before the check (${inst(w.s)}, at ${
          iso(w.t)
        }); today_age_max_s=${opts.ageMaxS}: the loop is not being scraped`,
      );
    }
  }
  return judge(pts);
}
