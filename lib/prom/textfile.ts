// Prometheus text files for node-exporter's textfile collector: one-shot commands (a backtest, a check
// run by cron) leave their results as gauges in `<dir>/<name>.prom`. Rendered by an owned prom-client
// registry (the exposition format is its, not ours) and written atomically: the collector reads the
// whole old file or the whole new one, never half (the temp file's name does not end in .prom).
import { join } from "node:path";
import { Gauge, Registry } from "prom-client";
import { writeFileAtomic } from "../fs/atomic.ts";

export const TEXTFILE_DIR_ENV = "TICKPROOF_TEXTFILE_DIR";
export const DEFAULT_TEXTFILE_DIR = "data/textfile/";

/** The collector's folder: env TICKPROOF_TEXTFILE_DIR, else data/textfile/. */
export function textfileDir(env: (name: string) => string | undefined): string {
  const v = env(TEXTFILE_DIR_ENV);
  return v === undefined || v === "" ? DEFAULT_TEXTFILE_DIR : v;
}

export interface GaugeSample {
  readonly name: string;
  readonly help: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The exposition text of the samples (one HELP/TYPE per name, in first-seen order). */
export async function renderGauges(samples: readonly GaugeSample[]): Promise<string> {
  const registry = new Registry();
  const gauges = new Map<string, Gauge>();
  for (const s of samples) {
    let g = gauges.get(s.name);
    if (!g) {
      g = new Gauge({
        name: s.name,
        help: s.help,
        labelNames: Object.keys(s.labels ?? {}),
        registers: [registry],
      });
      gauges.set(s.name, g);
    }
    g.set({ ...s.labels }, s.value);
  }
  return await registry.metrics();
}

/** Writes `<dir>/<name>` (a `.prom` name) atomically; returns its path. */
export async function writeTextfile(
  dir: string,
  name: string,
  samples: readonly GaugeSample[],
): Promise<string> {
  if (!/^[A-Za-z0-9_.-]+\.prom$/.test(name)) throw new TypeError(`Textfile name "${name}" must end in .prom`);
  const path = join(dir, name);
  await writeFileAtomic(path, await renderGauges(samples));
  return path;
}
