// The real demo stack on free loopback ports, for tests: venue simulator (accelerated, chaos file) ->
// feed -> shadow strategy -> events file -> exporter, scraped by a real Prometheus with the demo rules,
// alerting into a real Alertmanager; optionally peak_trade_web in this process, scraped too. Nothing
// here imitates a component: every /metrics Prometheus reads is the component's own.
import { join } from "node:path";
import { COMPONENTS } from "../lib/config/components.ts";
import { EXPORTER_V8_FLAGS } from "../lib/exporter/config.ts";
import { type AlertStack, startAlertStack } from "./alert_stack.ts";
import { DEMO_RULES_DIR } from "../lib/alerting/rule_files.ts";
import { serve } from "../lib/http/serve.ts";
import { type Child, spawnChild } from "../lib/proc/child.ts";
import { createWebHandler } from "../lib/web/app.ts";
import { defaultWebConfig, resolveWebConfig, type WebConfig } from "../lib/web/config.ts";
import { createWebMetrics } from "../lib/web/web_metrics.ts";
import { simEnv } from "./sim_env.ts";
import { freePort, spawnScript, waitHttpOk } from "./net.ts";

export interface DemoStackOptions {
  /** Feed scope (VENUES_ENABLED / SYMBOLS); live.env's when absent. */
  readonly venues?: readonly string[];
  readonly symbols?: readonly string[];
  /** Simulator speed (sim seconds per wall second). */
  readonly speed?: number;
  /** The feed's STALE_TIMEOUT_MS. */
  readonly staleMs?: number;
  /** Serve peak_trade_web (scraped as job peak_trade_web) with this evidence folder. */
  readonly webEvidenceDir?: string;
}

export interface DemoStack {
  readonly dir: string;
  readonly chaosFile: string;
  readonly simUrl: string;
  readonly feedUrl: string;
  readonly shadowUrl: string;
  readonly exporterUrl: string;
  readonly alerts: AlertStack;
  readonly promUrl: string;
  readonly amUrl: string;
  /** The component processes, e.g. to stop one and watch the views notice. */
  readonly children: Readonly<Record<"sim" | "feed" | "shadow" | "exporter", Child>>;
  /** Set when `webEvidenceDir` was given. */
  readonly web: { readonly url: string; readonly config: WebConfig } | null;
  stop(): Promise<void>;
}

/** Starts everything in `dir` (logs, store, events, configs); throws with nothing left running. */
export async function startDemoStack(dir: string, opts: DemoStackOptions = {}): Promise<DemoStack> {
  const p = { sim: freePort(), feed: freePort(), shadow: freePort(), exporter: freePort(), web: freePort() };
  const chaosFile = join(dir, "chaos.json");
  const events = join(dir, "ai_events.jsonl");
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const log = (n: string) => join(dir, `${n}.log`);
  const children: Child[] = [];
  let alerts: AlertStack | null = null;
  let stopWeb = async () => {};
  let stopping: Promise<void> | null = null;
  // Idempotent: a test may stop the stack early and again in its `finally`.
  const stop = () =>
    stopping ??= (async () => {
      await stopWeb();
      await alerts?.stop();
      for (const c of [...children].reverse()) await c.stop();
    })();
  try {
    const scope: Record<string, string> = {};
    if (opts.venues) scope.VENUES_ENABLED = opts.venues.join(",");
    if (opts.symbols) scope.SYMBOLS = opts.symbols.join(",");
    // All at once: the feed retries the simulator's clock and the shadow the feed until they answer.
    const { venue_sim: simC, live_connector: feedC, shadow_mvs: shadowC, ai_live: exporterC } = COMPONENTS;
    const sim = spawnScript(simC.service, simC.entry, [
      ...["--port", String(p.sim), "--speed", String(opts.speed ?? 60), "--seed", "7", "--quiet"],
      ...["--chaos-file", chaosFile],
      ...["--ground-truth", join(dir, "truth.jsonl"), "--chaos-log", join(dir, "chaos.jsonl")],
    ], log(simC.service));
    const feed = spawnScript(
      feedC.service,
      feedC.entry,
      ["--port", String(p.feed), "--quiet", "--store", join(dir, "feed.duckdb")],
      log(feedC.service),
      simEnv(p.sim, {
        STALE_TIMEOUT_MS: String(opts.staleMs ?? 5000),
        PARQUET_DIR: join(dir, "parquet"),
        ...scope,
      }),
    );
    const shadow = spawnScript(shadowC.service, shadowC.entry, [
      ...["--config", "config/strategy/refstrat_01.demo.json", "--feed-url", url(p.feed)],
      ...["--events", events, "--port", String(p.shadow), "--run-id", "stack_demo"],
    ], log(shadowC.service));
    const exporter = spawnChild({
      name: exporterC.service,
      cmd: Deno.execPath(),
      args: [
        ...["run", "-A", `--v8-flags=${EXPORTER_V8_FLAGS}`, exporterC.entry],
        ...["--events", events, "--port", String(p.exporter), "--poll-ms", "100", "--quiet"],
      ],
      logFile: log(exporterC.service),
    });
    for (const c of [sim, feed, shadow, exporter]) children.push(await c);
    const [simChild, feedChild, shadowChild, exporterChild] = children;
    const web = opts.webEvidenceDir !== undefined;
    alerts = await startAlertStack({
      workDir: join(dir, "alerting"),
      targets: {
        live_connector: `127.0.0.1:${p.feed}`,
        shadow_mvs: `127.0.0.1:${p.shadow}`,
        ai_live: `127.0.0.1:${p.exporter}`,
        ...(web ? { peak_trade_web: `127.0.0.1:${p.web}` } : {}),
      },
      rulesDir: DEMO_RULES_DIR,
      interval: "1s",
      am: { timing: { groupWait: "1s", groupInterval: "1s", repeatInterval: "1h" } },
    });
    const promUrl = alerts.prom.url;
    const amUrl = alerts.am!.url;
    let webHandle: DemoStack["web"] = null;
    if (web) {
      const config = resolveWebConfig(defaultWebConfig("127.0.0.1"), {
        port: String(p.web),
        prometheusUrl: promUrl,
        alertmanagerUrl: amUrl,
        feedUrl: url(p.feed),
        evidenceDir: opts.webEvidenceDir,
        ...(opts.venues ? { venues: opts.venues.join(",") } : {}),
        ...(opts.symbols ? { symbols: opts.symbols.join(",") } : {}),
      });
      const ctrl = new AbortController();
      const server = serve({
        name: "peak_trade_web",
        hostname: config.host,
        port: config.port,
        signal: ctrl.signal,
        handler: createWebHandler({
          config,
          upstream: { fetch: (u, init) => fetch(u, init), monoMs: () => performance.now(), timeoutMs: 5000 },
          metrics: createWebMetrics(),
          log: () => {},
        }),
      });
      stopWeb = async () => {
        ctrl.abort();
        await server.finished;
      };
      webHandle = { url: url(p.web), config };
    }
    await Promise.all([
      waitHttpOk(`${url(p.sim)}${simC.healthPath}`, 30_000),
      waitHttpOk(`${url(p.feed)}${feedC.healthPath}`, 40_000),
      waitHttpOk(`${url(p.shadow)}${shadowC.healthPath}`, 40_000),
      waitHttpOk(`${url(p.exporter)}${exporterC.healthPath}`, 30_000),
    ]);
    return {
      dir,
      chaosFile,
      simUrl: url(p.sim),
      feedUrl: url(p.feed),
      shadowUrl: url(p.shadow),
      exporterUrl: url(p.exporter),
      alerts,
      promUrl,
      amUrl,
      children: { sim: simChild, feed: feedChild, shadow: shadowChild, exporter: exporterChild },
      web: webHandle,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The last lines of every log in `dir`, for a failure message. */
export async function logTails(dir: string): Promise<string> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (!e.name.endsWith(".log")) continue;
    const text = await Deno.readTextFile(join(dir, e.name)).catch(() => "");
    out.push(`--- ${e.name}\n${text.split("\n").slice(-15).join("\n")}`);
  }
  return out.join("\n");
}

/**
 * Runs `fn` on a fresh stack in a temp folder named `prefix...`; prints the logs' tails when it fails,
 * then stops the stack (also when `fn` already did) and removes the folder.
 */
export async function withDemoStack(
  prefix: string,
  opts: DemoStackOptions | ((dir: string) => Promise<DemoStackOptions>),
  fn: (stack: DemoStack, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix });
  let stack: DemoStack | null = null;
  try {
    stack = await startDemoStack(dir, typeof opts === "function" ? await opts(dir) : opts);
    await fn(stack, dir);
  } catch (err) {
    console.error(await logTails(dir));
    throw err;
  } finally {
    await stack?.stop();
    await Deno.remove(dir, { recursive: true });
  }
}
