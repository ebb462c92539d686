// A throwaway JetStream server for tests, demos and proofs (`./tp nats`): one node, or a cluster of
// three on loopback with routes between them, each with its store under one work folder (a new temp
// folder unless given, removed on stop). Ports are free ones unless given. Ready means every node's
// /healthz?js-enabled-only=true answers and, in a cluster, every node knows the JetStream meta leader
// (before that a stream with replicas cannot be created). Nodes can be stopped and started again on
// the same store and ports: a server restart for fault tests.
import { join, resolve } from "node:path";
import { pollUntil } from "../async/poll.ts";
import { bindHost } from "../config/ports.ts";
import { freePort } from "../http/free_port.ts";
import { PortBusyError } from "../util/errors.ts";
import { type NatsNode, type NatsNodeSpec, startNatsNode } from "./nats_server.ts";

export interface NatsOptions {
  /** 1 (default) or 3..5: a cluster on loopback. */
  readonly nodes?: number;
  /** Default: the bind host (loopback). */
  readonly host?: string;
  /** Client ports, one per node; default free ports. */
  readonly ports?: readonly number[];
  /** Monitoring ports, one per node; default free ports. */
  readonly httpPorts?: readonly number[];
  /** Config, logs and stores; default a new temp folder. */
  readonly workDir?: string;
  /** Keep the work folder after stop (default: removed when it was a temp folder made here). */
  readonly keepData?: boolean;
  readonly readyTimeoutMs?: number;
}

export interface NatsHandle {
  /** The running nodes. */
  readonly nodes: readonly NatsNode[];
  /** Node i (0-based, as in urls), or null while it is stopped. */
  node(i: number): NatsNode | null;
  /** nats://host:port of every node, for a client's server list. */
  readonly urls: readonly string[];
  readonly workDir: string;
  /** Stops node i (SIGTERM, or SIGKILL with kill: true); its store stays. */
  stopNode(i: number, opts?: { kill?: boolean }): Promise<void>;
  /** Starts node i again on the same ports and store, and waits until it is ready. */
  startNode(i: number): Promise<void>;
  /** Stops every node; removes the work folder unless kept. Safe to call twice. */
  stop(): Promise<void>;
}

const CLUSTER_NAME = "tickproof";

/** The node specs for `n` nodes on the given ports (pure). */
export function nodeSpecs(
  n: number,
  host: string,
  workDir: string,
  ports: { client: readonly number[]; http: readonly number[]; cluster: readonly number[] },
): NatsNodeSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `n${i + 1}`,
    host,
    port: ports.client[i],
    httpPort: ports.http[i],
    storeDir: join(workDir, `n${i + 1}`, "store"),
    workDir: join(workDir, `n${i + 1}`),
    cluster: n === 1
      ? undefined
      : { name: CLUSTER_NAME, port: ports.cluster[i], routePorts: ports.cluster.filter((_, j) => j !== i) },
  }));
}

async function metaLeader(monitorUrl: string): Promise<string | undefined> {
  try {
    const res = await fetch(`${monitorUrl}/jsz`, { signal: AbortSignal.timeout(1000) });
    const body = await res.json() as { meta_cluster?: { leader?: string } };
    return body.meta_cluster?.leader || undefined;
  } catch {
    return undefined;
  }
}

/** Waits until every node names the same meta leader; throws naming the nodes that do not. */
async function waitMetaLeader(nodes: readonly NatsNode[], timeoutMs: number): Promise<void> {
  const ok = await pollUntil(
    async () => {
      const leaders = await Promise.all(nodes.map((n) => metaLeader(n.monitorUrl)));
      return leaders.every((l) => l !== undefined && l === leaders[0]) || undefined;
    },
    timeoutMs,
    100,
  );
  if (!ok) {
    throw new Error(
      `the JetStream cluster elected no meta leader within ${timeoutMs} ms; see ${
        nodes.map((n) => n.logFile).join(", ")
      }`,
    );
  }
}

/** Given ports: one per node, each free now (a busy one is the operator's to fix, never a fallback). */
function checkPorts(what: string, given: readonly number[] | undefined, n: number, host: string): void {
  if (given === undefined) return;
  if (given.length !== n) {
    throw new RangeError(`nats: ${what} gives ${given.length} port(s) for ${n} node(s)`);
  }
  for (const port of given) {
    try {
      Deno.listen({ hostname: host, port }).close();
    } catch (err) {
      if (!(err instanceof Deno.errors.AddrInUse)) throw err;
      throw new PortBusyError(
        `port ${port} (nats ${what}) on ${host} is already in use; see who holds it: ss -ltnp 'sport = :${port}'`,
      );
    }
  }
}

export async function startNats(opts: NatsOptions = {}): Promise<NatsHandle> {
  const n = opts.nodes ?? 1;
  if (!Number.isInteger(n) || (n !== 1 && (n < 3 || n > 5))) {
    throw new RangeError(`nats: nodes must be 1 or 3 to 5 (a JetStream cluster needs a quorum), got ${n}`);
  }
  const host = opts.host ?? bindHost();
  checkPorts("client", opts.ports, n, host);
  checkPorts("monitoring", opts.httpPorts, n, host);
  const madeDir = opts.workDir === undefined;
  const workDir = resolve(opts.workDir ?? await Deno.makeTempDir({ prefix: "tickproof_nats_" }));
  const timeoutMs = opts.readyTimeoutMs ?? 30_000;
  const specs = nodeSpecs(n, host, workDir, {
    client: opts.ports ?? freePorts(n, host),
    http: opts.httpPorts ?? freePorts(n, host),
    cluster: n === 1 ? [] : freePorts(n, host),
  });
  const nodes: (NatsNode | null)[] = specs.map(() => null);
  const removeDir = async () => {
    if (madeDir && !opts.keepData) await Deno.remove(workDir, { recursive: true }).catch(() => {});
  };
  const stopAll = async () => {
    await Promise.all(nodes.map((node, i) => node?.stop().then(() => nodes[i] = null)));
  };
  try {
    const started = await Promise.allSettled(specs.map((s) => startNatsNode(s, timeoutMs)));
    started.forEach((r, i) => nodes[i] = r.status === "fulfilled" ? r.value : null);
    const failed = started.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    if (n > 1) await waitMetaLeader(nodes as NatsNode[], timeoutMs);
  } catch (err) {
    await stopAll();
    await removeDir();
    throw err;
  }
  let stopping: Promise<void> | null = null;
  return {
    get nodes() {
      return nodes.filter((x): x is NatsNode => x !== null);
    },
    node: (i) => nodes[i] ?? null,
    urls: specs.map((s) => `nats://${s.host}:${s.port}`),
    workDir,
    async stopNode(i, o = {}) {
      const node = nodes[i];
      if (!node) return;
      await (o.kill ? node.kill() : node.stop());
      nodes[i] = null;
    },
    async startNode(i) {
      if (nodes[i]) return;
      nodes[i] = await startNatsNode(specs[i], timeoutMs);
      if (n > 1) await waitMetaLeader(nodes.filter((x): x is NatsNode => x !== null), timeoutMs);
    },
    stop() {
      return stopping ??= (async () => {
        await stopAll();
        await removeDir();
      })();
    },
  };
}

function freePorts(n: number, host: string): number[] {
  return Array.from({ length: n }, () => freePort(host));
}
