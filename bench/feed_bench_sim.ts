// The simulator-backed parts of the feed benchmark: the simulator runs as a child process (so the
// RSS measured is the feed's own), the feed in this process on a temp store.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sleep } from "../lib/async/sleep.ts";
import { resolveFeedConfig } from "../lib/feed/config.ts";
import { parseEnvFile } from "../lib/feed/env_file.ts";
import { startFeed } from "../lib/feed/run.ts";
import { bucketQuantile, histogramBuckets } from "../lib/feed/status_line.ts";
import type { BenchRow } from "./bench_row.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const GRACE_MS = 2000;

/** Starts scripts/venue_sim.ts on a free port; resolves once it says where it listens. */
async function spawnSim(speed: number) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(ROOT, "scripts/venue_sim.ts"), "--port", "0", "--speed", String(speed)],
    stdout: "null",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  // The "listening" log line names the port it got; the rest of its log is read and dropped so a
  // full pipe never blocks the simulator.
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    const m = /"url":"http:\/\/[^:]+:(\d+)"/.exec(buf);
    if (m) {
      void (async () => {
        while (!(await reader.read()).done) { /* drain */ }
      })().catch(() => {});
      return { child, port: Number(m[1]) };
    }
  }
  child.kill();
  await child.status;
  throw new Error(`simulator did not start: ${buf.slice(0, 500)}`);
}

/** RSS and the V8 heap's share of it (heapTotal), MiB: the rest is native (DuckDB, Deno, sockets). */
function memMiB(): { rss: number; heap: number } {
  const m = Deno.memoryUsage();
  return { rss: m.rss / 2 ** 20, heap: m.heapTotal / 2 ** 20 };
}

export async function simRun(
  opts: { speed: number; seconds: number; measure: "lag" | "soak" },
): Promise<BenchRow[]> {
  const dir = await Deno.makeTempDir({ prefix: "feed_bench_" });
  const { child, port } = await spawnSim(opts.speed);
  const envFile = join(ROOT, "config/env/live.env");
  const file = parseEnvFile(await Deno.readTextFile(envFile), envFile);
  const env: Record<string, string> = {
    STORE_PATH: join(dir, "feed.duckdb"),
    BAR_CLOSE_GRACE_MS: String(GRACE_MS),
  };
  for (const [k, v] of Object.entries(file)) if (k.endsWith("_URL")) env[k] = v.replace(":8765", `:${port}`);
  const config = resolveFeedConfig(file, env, {}, envFile);
  const ctrl = new AbortController();
  const feed =
    (await startFeed({ config, hostname: "127.0.0.1", port: 0, log: () => {}, signal: ctrl.signal }))!;
  const samples: { rss: number; heap: number }[] = [];
  try {
    for (let s = 0; s < opts.seconds; s++) {
      await sleep(1000);
      samples.push(memMiB());
    }
  } finally {
    await feed.stop();
    child.kill("SIGTERM");
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
  const reg = feed.service.metrics.registry;
  if (opts.measure === "lag") {
    const lag = bucketQuantile(await histogramBuckets(reg, "feed_bar_close_lag_ms"), 0.99);
    const feat = bucketQuantile(await histogramBuckets(reg, "feature_compute_ms"), 0.99);
    const bars = feed.service.committer.stored;
    return [
      {
        name: `bars stored in ${opts.seconds}s at ${opts.speed}x`,
        value: bars,
        unit: "bars",
        target: "> 0",
        ok: bars > 0,
      },
      {
        name: "bar close lag p99 (bucket bound, sim ms)",
        value: lag ?? NaN,
        unit: "ms",
        target: `<= ${GRACE_MS + 1000}`,
        ok: lag !== null && lag <= GRACE_MS + 1000,
      },
      {
        name: "feature compute p99 (bucket bound)",
        value: feat ?? NaN,
        unit: "ms",
        target: "<= 0.1",
        ok: feat !== null && feat <= 0.1,
      },
    ];
  }
  // Warm-up: the first fifth of the run (DuckDB, JIT, rings and histograms filling up).
  const warm = samples[Math.max(0, Math.floor(samples.length / 5) - 1)];
  const last = samples[samples.length - 1];
  const growth = (last.rss - warm.rss) / warm.rss;
  return [
    {
      name: `feed RSS after warm-up (${opts.seconds}s soak, ${opts.speed}x)`,
      value: +warm.rss.toFixed(1),
      unit: "MiB",
      target: "reference",
      ok: true,
    },
    {
      name: "feed RSS at the end of the soak",
      value: +last.rss.toFixed(1),
      unit: "MiB",
      target: "reference",
      ok: true,
    },
    {
      name: "of which V8 heap, after warm-up -> end",
      value: +(last.heap - warm.heap).toFixed(1),
      unit: "MiB",
      target: `reference (${warm.heap.toFixed(1)} -> ${last.heap.toFixed(1)})`,
      ok: true,
    },
    {
      name: "feed RSS growth after warm-up",
      value: +(growth * 100).toFixed(1),
      unit: "%",
      target: "<= 10",
      ok: growth <= 0.1,
    },
    {
      name: "bars stored during the soak",
      value: feed.service.committer.stored,
      unit: "bars",
      target: "> 0",
      ok: feed.service.committer.stored > 0,
    },
  ];
}
