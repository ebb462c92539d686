// One nats-server process (the system package, 2.9) with JetStream on: its config file rendered from
// a spec (pure), started through the one child-process mechanism (lib/proc/child.ts) and ready when
// its monitoring endpoint answers /healthz?js-enabled-only=true. nats_cluster.ts starts one or three.
import { join } from "node:path";
import { writeFileAtomic } from "../fs/atomic.ts";
import { type Child, startDaemon } from "../proc/child.ts";
import { which } from "../proc/which.ts";
import { ToolMissingError } from "../util/errors.ts";

export interface NatsNodeSpec {
  /** Server name, unique in a cluster (JetStream's Raft groups need it). */
  readonly name: string;
  readonly host: string;
  /** Client port. */
  readonly port: number;
  /** Monitoring (HTTP) port. */
  readonly httpPort: number;
  /** JetStream store; a restart on the same folder keeps the streams. */
  readonly storeDir: string;
  /** Folder for the config file and the log. */
  readonly workDir: string;
  /** Cluster membership; absent for a single node. */
  readonly cluster?: { readonly name: string; readonly port: number; readonly routePorts: readonly number[] };
}

export interface NatsNode {
  readonly spec: NatsNodeSpec;
  /** nats://host:port for clients. */
  readonly url: string;
  /** http://host:httpPort (monitoring: /healthz, /jsz, /varz). */
  readonly monitorUrl: string;
  readonly pid: number;
  readonly logFile: string;
  /** SIGTERM (nats-server shuts down cleanly), SIGKILL after the grace period. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL at once: a crash, for fault tests. */
  kill(): Promise<void>;
}

const q = (s: string) => JSON.stringify(s);

/** The node's nats-server config file text. Pure. */
export function renderNatsConfig(spec: NatsNodeSpec): string {
  const lines = [
    `server_name: ${q(spec.name)}`,
    `listen: ${q(`${spec.host}:${spec.port}`)}`,
    `http: ${q(`${spec.host}:${spec.httpPort}`)}`,
    `jetstream {`,
    `  store_dir: ${q(spec.storeDir)}`,
    `}`,
  ];
  if (spec.cluster) {
    const routes = spec.cluster.routePorts.map((p) => q(`nats-route://${spec.host}:${p}`));
    lines.push(
      `cluster {`,
      `  name: ${q(spec.cluster.name)}`,
      `  listen: ${q(`${spec.host}:${spec.cluster.port}`)}`,
      `  routes: [${routes.join(", ")}]`,
      `}`,
    );
  }
  return lines.join("\n") + "\n";
}

export async function findNatsServer(): Promise<string> {
  const bin = await which("nats-server");
  if (bin !== null) return bin;
  throw new ToolMissingError(
    "nats-server is not installed: run ./tp nats (it installs it from the system packages) or apt-get install nats-server",
  );
}

/** The readiness URL: JetStream is enabled on this node. */
export function healthUrl(monitorUrl: string): string {
  return `${monitorUrl}/healthz?js-enabled-only=true`;
}

/** Starts a node and waits until it is ready; on failure the error names its log. */
export async function startNatsNode(spec: NatsNodeSpec, readyTimeoutMs = 30_000): Promise<NatsNode> {
  const bin = await findNatsServer();
  await Deno.mkdir(spec.workDir, { recursive: true });
  await Deno.mkdir(spec.storeDir, { recursive: true });
  const configFile = join(spec.workDir, `${spec.name}.conf`);
  const logFile = join(spec.workDir, `${spec.name}.log`);
  await writeFileAtomic(configFile, renderNatsConfig(spec));
  const monitorUrl = `http://${spec.host}:${spec.httpPort}`;
  const child: Child = await startDaemon(
    { name: `nats-server ${spec.name}`, cmd: bin, args: ["-c", configFile], logFile },
    healthUrl(monitorUrl),
    readyTimeoutMs,
  );
  return {
    spec,
    url: `nats://${spec.host}:${spec.port}`,
    monitorUrl,
    pid: child.pid,
    logFile,
    async stop(graceMs = 10_000) {
      await child.stop(graceMs);
    },
    async kill() {
      try {
        Deno.kill(child.pid, "SIGKILL");
      } catch { /* already exited */ }
      await child.exited;
    },
  };
}
