// The real demo stack on free loopback ports, for tests: venue simulator (accelerated, chaos file) ->
// feed -> shadow strategy -> events file -> exporter, scraped by a real Prometheus with the demo rules,
// alerting into a real Alertmanager; optionally peak_trade_web in this process, the live loop (paper, on
// the simulator's private API, drill API on) and node-exporter (its textfile folder given), scraped too.
// Nothing here imitates a component: every /metrics Prometheus reads is the component's own.
import { join } from "node:path";
import { COMPONENTS } from "../lib/config/components.ts";
import { EXPORTER_V8_FLAGS } from "../lib/exporter/config.ts";
import { type AlertStack, startAlertStack } from "./alert_stack.ts";
import { DEMO_RULES_DIR } from "../lib/alerting/rule_files.ts";
import { serve } from "../lib/http/serve.ts";
import { type Child, spawnChild } from "../lib/proc/child.ts";
import { type NodeExporterHandle, startNodeExporter } from "../lib/prom/node_exporter.ts";
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
  /** Run `./tp live` (job live_loop) in paper mode on config/live/paper.json, trading on the simulator. */
  readonly trading?: boolean;
  /** Run node-exporter (job node) with this textfile folder. */
  readonly nodeTextfileDir?: string;
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
  /** Set with `trading`: the loop's URL and the bearer token of its admin and drill API. */
  readonly live: { readonly url: string; readonly token: string; readonly child: Child } | null;
  /** Set with `nodeTextfileDir`. */
  readonly nodeUrl: string | null;
  stop(): Promise<void>;
}

/** Starts everything in `dir` (logs, store, events, configs); throws with nothing left running. */
export async function startDemoStack(dir: string, opts: DemoStackOptions = {}): Promise<DemoStack> {
  const p = {
    sim: freePort(),
    feed: freePort(),
    shadow: freePort(),
    exporter: freePort(),
    web: freePort(),
    live: freePort(),
    node: freePort(),
  };
  const chaosFile = join(dir, "chaos.json");
  const events = join(dir, "ai_events.jsonl");
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const log = (n: string) => join(dir, `${n}.log`);
  const children: Child[] = [];
  let alerts: AlertStack | null = null;
  let stopWeb = async () => {};
  let node: NodeExporterHandle | null = null;
  let stopping: Promise<void> | null = null;
  // Idempotent: a test may stop the stack early and again in its `finally`.
  const stop = () =>
    stopping ??= (async () => {
      await stopWeb();
      await alerts?.stop();
      await node?.stop();
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
      ...(opts.trading ? ["--trading", "--keys-file", join(dir, "sim_keys.json")] : []),
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
    const live = opts.trading ? await startLive(dir, p.sim, p.feed, p.live, events) : null;
    if (live) children.push(live.child);
    if (opts.nodeTextfileDir !== undefined) {
      node = await startNodeExporter({
        host: "127.0.0.1",
        port: p.node,
        textfileDir: opts.nodeTextfileDir,
        logFile: log("node-exporter"),
      });
    }
    alerts = await startAlertStack({
      workDir: join(dir, "alerting"),
      targets: {
        live_connector: `127.0.0.1:${p.feed}`,
        shadow_mvs: `127.0.0.1:${p.shadow}`,
        ai_live: `127.0.0.1:${p.exporter}`,
        ...(web ? { peak_trade_web: `127.0.0.1:${p.web}` } : {}),
        ...(live ? { live_loop: `127.0.0.1:${p.live}` } : {}),
        ...(node ? { node: `127.0.0.1:${p.node}` } : {}),
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
      live: live ? { url: url(p.live), token: live.token, child: live.child } : null,
      nodeUrl: node?.url ?? null,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * `./tp live` on config/live/paper.json against the simulator's private API (its generated keys, read
 * once it answers), the feed's bars as marks, a fresh state dir, the drill API on: a test can place a
 * paper order. Its shell (/metrics) answering is the start; readiness is the test's to wait for.
 */
async function startLive(dir: string, simPort: number, feedPort: number, port: number, events: string) {
  const sim = `http://127.0.0.1:${simPort}`;
  await waitHttpOk(`${sim}${COMPONENTS.venue_sim.healthPath}`, 30_000);
  const keys = JSON.parse(await Deno.readTextFile(join(dir, "sim_keys.json")));
  const token = crypto.randomUUID().replaceAll("-", "");
  const liveC = COMPONENTS.live_loop;
  const child = await spawnScript(
    liveC.service,
    liveC.entry,
    [
      ...["--start", "warm", "--config", "config/live/paper.json", "--port", String(port)],
    ],
    join(dir, `${liveC.service}.log`),
    {
      LIVE_STATE_DIR: join(dir, "live_state"),
      LIVE_FEED_URL: `http://127.0.0.1:${feedPort}`,
      LIVE_ADMIN_TOKEN: token,
      LIVE_DRILL: "1",
      BINANCE_TRADING_PROFILE: "paper",
      BINANCE_TRADE_REST_URL: `${sim}/binance`,
      BINANCE_TRADE_WS_API_URL: `ws://127.0.0.1:${simPort}/binance/ws-api/v3`,
      BINANCE_API_KEY: String(keys.apiKey),
      BINANCE_API_SECRET: String(keys.apiSecret),
      BINANCE_API_KEY_FILE: "",
      BINANCE_API_SECRET_FILE: "",
      PEAK_TRADE_AI_EVENTS_JSONL: events,
      PEAK_TRADE_AI_RUN_ID: "stack_demo_live",
    },
  );
  try {
    await waitHttpOk(`http://127.0.0.1:${port}/metrics`, 30_000);
  } catch (err) {
    await child.stop();
    throw err;
  }
  return { child, token };
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
