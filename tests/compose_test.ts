// The compose deployment agrees with the rest of the repository: validated by `docker-compose config`
// (no Docker engine needed), ports from config/ports.json, job names and Prometheus config from the
// same generator as the local stack, every mounted path present.
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { COMPONENTS } from "../lib/config/components.ts";
import { PORTS } from "../lib/config/ports.ts";
import {
  COMPOSE_FILE,
  COMPOSE_PROM_CONFIG,
  COMPOSE_RULES_MOUNT,
  renderComposePromConfig,
} from "../lib/compose/prom_config.ts";
import { loadScrapeConfig } from "../lib/prom/config.ts";
import { findTool, runTool } from "../lib/prom/tools.ts";
import { helpHasFlag, taskHelps } from "../testing/task_help.ts";

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  profiles?: string[];
  volumes?: string[];
  pid?: string;
  restart?: string;
  depends_on?: Record<string, { condition: string }>;
}

/** Port Contract component -> compose service (the component table's short name). */
const SERVICE_OF = Object.fromEntries(Object.values(COMPONENTS).map((c) => [c.name, c.service]));

async function composeConfig(file: string) {
  try {
    await findTool("docker-compose");
  } catch {
    throw new Error(
      "docker-compose is not installed: ./tp test installs it (apt-get install docker-compose)",
    );
  }
  return await runTool("docker-compose", ["-f", file, "config"]);
}

const mounts = (s: Service) =>
  new Map((s.volumes ?? []).map((v) => {
    const [host, target] = v.split(":");
    return [target, host] as const;
  }));

Deno.test("docker-compose config accepts the file; services and profiles are the stack's", async () => {
  const r = await composeConfig(COMPOSE_FILE);
  assert.equal(r.code, 0, r.stderr);
  const services = (parse(r.stdout) as { services: Record<string, Service> }).services;
  const byProfile = (p: string | undefined) =>
    Object.entries(services).filter(([, s]) => s.profiles?.[0] === p).map(([n]) => n).sort();
  assert.deepEqual(byProfile(undefined), [
    "exporter",
    "feed",
    "node-exporter",
    "prometheus",
    "shadow",
    "venue-sim",
    "web",
  ]);
  assert.deepEqual(byProfile("alerting"), ["alertmanager", "alertmanager-init"]);
  assert.deepEqual(byProfile("ui"), ["grafana"]);
  assert.deepEqual(byProfile("debug"), ["emit", "promtool"]);
  assert.deepEqual(byProfile("trading"), ["live"]);
  assert.deepEqual(byProfile("scale"), ["store-writer"]);
  assert.deepEqual(byProfile("ops"), [
    "backtest",
    "backup",
    "backup-drill",
    "drift",
    "migrate",
    "oncall",
    "restore",
  ]);
  assert.equal(Object.keys(services).length, 21);

  // Ports: each contract component's service publishes exactly its contract port, on loopback only.
  for (const [component, svc] of Object.entries(SERVICE_OF)) {
    const p = PORTS[component as keyof typeof PORTS];
    assert.deepEqual(services[svc].ports, [`127.0.0.1:${p}:${p}/tcp`], `${svc} ports`);
  }
  for (const [name, s] of Object.entries(services)) {
    for (const p of s.ports ?? []) {
      assert.match(p, /^127\.0\.0\.1:/, `${name} publishes ${p} beyond loopback`);
    }
  }

  // Every service URL in commands and env names a service on its contract port.
  const containerPort = new Map(
    Object.entries(SERVICE_OF).map(([c, s]) => [s, PORTS[c as keyof typeof PORTS]]),
  );
  const urls = [...r.stdout.matchAll(/(?:https?|wss?):\/\/([a-z][a-z0-9-]*):(\d+)/g)];
  assert.equal(urls.length, 17, "service URLs in commands and env");
  for (const [url, host, port] of urls) {
    assert.ok(services[host], `${url}: no service ${host}`);
    assert.equal(
      Number(port),
      containerPort.get(host),
      `${url}: ${host} listens on ${containerPort.get(host)}`,
    );
  }

  // The Deno services: the project's image, a task that exists, bound beyond the container's loopback.
  const tasks = new Set(Object.keys(JSON.parse(await Deno.readTextFile("deno.json")).tasks));
  for (
    const name of [
      "venue-sim",
      "feed",
      "shadow",
      "exporter",
      "web",
      "emit",
      "live",
      "store-writer",
      "migrate",
      "backup-drill",
      "backup",
      "restore",
      "oncall",
      "backtest",
      "drift",
    ]
  ) {
    const s = services[name];
    assert.equal(s.build?.dockerfile, "ops/compose/Dockerfile", name);
    assert.equal(resolve(s.build!.context), resolve("."), name);
    assert.deepEqual(s.command?.slice(0, 2), ["task", "-q"], name);
    assert.ok(tasks.has(s.command![2]), `${name}: task ${s.command![2]} not in deno.json`);
    assert.equal(s.environment?.TICKPROOF_BIND_HOST, "0.0.0.0", name);
  }
  const tp = await Deno.readTextFile("tp");
  const denoVersion = /^DENO_VERSION=(\S+)$/m.exec(tp)![1];
  assert.match(
    await Deno.readTextFile("ops/compose/Dockerfile"),
    new RegExp(`^FROM denoland/deno:${denoVersion}$`, "m"),
  );

  // Every bind-mounted host path exists.
  for (const [name, s] of Object.entries(services)) {
    for (const [target, host] of mounts(s)) {
      if (!host.startsWith("/")) continue; // a named volume
      await Deno.stat(host).catch(() => assert.fail(`${name}: ${host} (-> ${target}) does not exist`));
    }
  }
});

Deno.test("compose Prometheus: the committed config is the generated one, with service targets and rule mounts", async () => {
  const want = await renderComposePromConfig();
  assert.equal(
    await Deno.readTextFile(COMPOSE_PROM_CONFIG),
    want,
    `${COMPOSE_PROM_CONFIG} is stale: run ./tp gen`,
  );
  const scrape = await loadScrapeConfig();
  for (const job of scrape.jobs) {
    assert.match(
      want,
      new RegExp(`job_name: "${job}"\\n.*\\n +- targets: \\["${COMPONENTS[job].service}:${PORTS[job]}"\\]`),
    );
  }
  assert.match(want, new RegExp(`targets: \\["alertmanager:${PORTS.alertmanager}"\\]`));

  const r = await composeConfig(COMPOSE_FILE);
  const services = (parse(r.stdout) as { services: Record<string, Service> }).services;
  const prom = services.prometheus;
  assert.ok(prom.command?.includes(`--web.listen-address=:${PORTS.prometheus}`));
  const pm = mounts(prom);
  assert.equal(pm.get("/etc/prometheus/prometheus.yml"), resolve(COMPOSE_PROM_CONFIG));
  assert.equal(pm.get(COMPOSE_RULES_MOUNT), resolve(scrape.rules_dir));
  // The debug promtool service checks exactly what Prometheus runs with (all but the TSDB volume).
  const checked = new Map(pm);
  checked.delete("/prometheus");
  assert.deepEqual(mounts(services.promtool), checked);

  // promtool accepts it once the rule paths point at the files the mount would show.
  const tmp = await Deno.makeTempDir();
  try {
    const file = join(tmp, "prometheus.yml");
    await Deno.writeTextFile(
      file,
      want.replaceAll(`${COMPOSE_RULES_MOUNT}/`, `${resolve(scrape.rules_dir)}/`),
    );
    const check = await runTool("promtool", ["check", "config", file]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /SUCCESS: 3 rule files found/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("compose Alertmanager and Grafana: checked config, one node, provisioned dashboards mounted", async () => {
  const r = await composeConfig(COMPOSE_FILE);
  const services = (parse(r.stdout) as { services: Record<string, Service> }).services;
  const am = services.alertmanager;
  const amConfig = resolve("config/alertmanager/alertmanager.yml");
  assert.equal(mounts(am).get("/etc/alertmanager/alertmanager.yml"), amConfig);
  assert.ok(am.command?.includes(`--web.listen-address=:${PORTS.alertmanager}`));
  assert.ok(am.command?.includes("--cluster.listen-address="));
  assert.deepEqual(am.depends_on, { "alertmanager-init": { condition: "service_completed_successfully" } });
  const init = services["alertmanager-init"];
  assert.deepEqual(init.entrypoint, ["amtool", "check-config", "/etc/alertmanager/alertmanager.yml"]);
  assert.equal(mounts(init).get("/etc/alertmanager/alertmanager.yml"), amConfig);

  const g = mounts(services.grafana);
  assert.equal(g.get("/etc/grafana/provisioning"), resolve("config/grafana/provisioning"));
  const provider = parse(await Deno.readTextFile("config/grafana/provisioning/dashboards/tickproof.yml")) as {
    providers: { options: { path: string } }[];
  };
  assert.equal(g.get(provider.providers[0].options.path), resolve("config/grafana/dashboards"));
});

Deno.test("compose one-shots (profile ops) work on the services' own data: same volumes, paths and env", async () => {
  const r = await composeConfig(COMPOSE_FILE);
  const services = (parse(r.stdout) as { services: Record<string, Service> }).services;
  const feed = services.feed, live = services.live;
  const dataEnv = {
    STORE_PATH: feed.environment!.STORE_PATH,
    PARQUET_DIR: feed.environment!.PARQUET_DIR,
    LIVE_STATE_DIR: live.environment!.LIVE_STATE_DIR,
  };
  const volumeAt = (s: Service, target: string) => mounts(s).get(target);
  for (const name of ["migrate", "backup-drill", "backup", "restore"]) {
    const s = services[name];
    assert.equal(s.restart, "no", `${name} runs once`);
    assert.equal(s.environment?.STORE_PATH, dataEnv.STORE_PATH, name);
    assert.equal(s.environment?.LIVE_STATE_DIR, dataEnv.LIVE_STATE_DIR, name);
    assert.equal(volumeAt(s, "/app/data"), volumeAt(feed, "/app/data"), `${name}: the feed's volume`);
    assert.equal(
      volumeAt(s, "/app/data/live"),
      volumeAt(live, "/app/data/live"),
      `${name}: the loop's volume`,
    );
  }
  assert.deepEqual(services.migrate.command, ["task", "-q", "migrate", "--status"]);
  const drill = services["backup-drill"];
  assert.equal(drill.environment?.PARQUET_DIR, dataEnv.PARQUET_DIR);
  // The feed exports into the backup's folder (the path the request names): it must be on its volume.
  const target = drill.command![drill.command!.indexOf("--target") + 1];
  assert.ok(target.startsWith("/app/data/") && !target.startsWith("/app/data/live"), target);
  assert.deepEqual(drill.command!.slice(0, 4), ["task", "-q", "backup", "--drill"]);
  // backup.prom lands in the volume node-exporter's textfile collector reads.
  const textfile = drill.command![drill.command!.indexOf("--textfile-dir") + 1];
  const collector = services["node-exporter"];
  const dirFlag = collector.command!.find((c) => c.startsWith("--collector.textfile.directory="))!;
  const collected = mounts(collector).get(dirFlag.split("=")[1]);
  assert.ok(collected && !collected.startsWith("/"), `node-exporter reads a named volume, got ${collected}`);
  assert.equal(
    mounts(drill).get(textfile),
    collected,
    `backup-drill writes ${textfile} into the collector's volume`,
  );
  // It watches the feed's pid while waiting for the export: one pid namespace with the feed.
  assert.equal(drill.pid, "service:feed");
  // The plain backup takes it the same way, into the same target (one rotation, one VERIFIED rule).
  const backup = services.backup;
  assert.equal(backup.pid, "service:feed");
  assert.equal(backup.environment?.PARQUET_DIR, dataEnv.PARQUET_DIR);
  assert.deepEqual(backup.command!.slice(0, 3), ["task", "-q", "backup"]);
  assert.equal(backup.command![backup.command!.indexOf("--target") + 1], target);
  assert.ok(!backup.command!.includes("--drill"));
  assert.deepEqual(services.restore.command, ["task", "-q", "restore", "--help"]);
  // Backtest and drift read the services' own store and state dir by default, and write their .prom
  // files where node-exporter collects them.
  const arg = (s: Service, flag: string) => s.command![s.command!.indexOf(flag) + 1];
  const bt = services.backtest, drift = services.drift;
  assert.deepEqual(bt.command!.slice(0, 4), ["task", "-q", "backtest", "--parity"]);
  assert.equal(arg(bt, "--db"), dataEnv.STORE_PATH);
  assert.equal(arg(bt, "--state-dir"), dataEnv.LIVE_STATE_DIR);
  assert.equal(volumeAt(bt, "/app/data/live"), volumeAt(live, "/app/data/live"));
  assert.equal(mounts(bt).get(bt.environment!.TICKPROOF_TEXTFILE_DIR), collected);
  assert.equal(arg(drift, "--db"), dataEnv.STORE_PATH);
  assert.equal(mounts(drift).get(arg(drift, "--textfile-dir")), collected);
  for (const s of [bt, drift, services.oncall]) {
    assert.equal(s.restart, "no");
    assert.equal(volumeAt(s, "/app/data"), volumeAt(feed, "/app/data"));
    assert.ok(arg(s, "--out-root").startsWith("/app/data/"), "evidence on the feed's volume");
  }
  assert.ok(services.oncall.command!.includes("--handover"));
  // ./tp version in the image: the commit comes from the build (no .git in it).
  const file = parse(await Deno.readTextFile(COMPOSE_FILE)) as {
    "x-deno": { build: { args: Record<string, string> } };
  };
  assert.equal(file["x-deno"].build.args.TICKPROOF_COMMIT, "${TICKPROOF_COMMIT:-unknown}");
  const dockerfile = await Deno.readTextFile("ops/compose/Dockerfile");
  assert.match(dockerfile, /^ARG TICKPROOF_COMMIT=unknown$/m);
  assert.match(dockerfile, /TICKPROOF_COMMIT=\$\{TICKPROOF_COMMIT\}/);
});

Deno.test("every flag in a Deno service's command is in that task's --help", async () => {
  const r = await composeConfig(COMPOSE_FILE);
  const services = (parse(r.stdout) as { services: Record<string, Service> }).services;
  const deno = Object.entries(services).filter(([, s]) => s.command?.[0] === "task");
  const helps = await taskHelps(deno.map(([, s]) => s.command![2]));
  let checked = 0;
  for (const [name, s] of deno) {
    for (const flag of s.command!.slice(3).filter((a) => a.startsWith("--"))) {
      assert.ok(
        helpHasFlag(helps.get(s.command![2])!, flag),
        `${name}: ./tp ${s.command![2]} ${flag} is not in its --help`,
      );
      checked++;
    }
  }
  assert.equal(deno.length, 15);
  assert.ok(checked >= 30, `flags checked: ${checked}`);
});

Deno.test("docker-compose config rejects a broken file (the validation can fail)", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const file = join(tmp, "docker-compose.yml");
    await Deno.writeTextFile(file, "services:\n  a:\n    image: busybox\n    depends_on: [nope]\n");
    const r = await composeConfig(file);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /nope/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
