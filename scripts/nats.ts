#!/usr/bin/env -S deno run -A
// task nats: a throwaway NATS JetStream server (one node, or a three-node cluster on loopback) for the
// bus; prints the client URLs once ready and runs until Ctrl-C / SIGTERM.
import { startNats } from "../lib/bus/nats_cluster.ts";
import { EXIT, intFlag, parseFlags, run, shutdownSignal, untilAborted, UsageError } from "../lib/cli/main.ts";
import { bindHost } from "../lib/config/ports.ts";

const HELP = `Usage: ./tp nats [options]

Starts the system's nats-server (2.9) with JetStream on ${bindHost()}: one node, or with --cluster 3 three
nodes with cluster routes between them, each with its JetStream store under a temp folder. Waits until
every node answers /healthz?js-enabled-only=true (and, in a cluster, a JetStream meta leader is
elected), prints the client URLs on stdout as one line (nats://host:port,... — the BUS_URL value) and
runs until Ctrl-C / SIGTERM, then stops every node and removes the temp folder.

Options:
  --cluster N          nodes: 1 (default) or 3 to 5, a cluster on loopback
  --port N[,N...]      client ports, one per node (default: free ports)
  --http-port N[,N...] monitoring ports, one per node (default: free ports)
  --work-dir DIR       config, logs and stores here instead of a temp folder (kept after stop)
  --ready-timeout-ms N how long to wait for readiness (default 30000)
  -h, --help           this help

Exit: 0 stopped cleanly, 1 a server failed to start, 2 usage error, nats-server missing or a port busy.`;

function portList(name: string, raw: string | undefined, nodes: number): number[] | undefined {
  if (raw === undefined) return undefined;
  const ports = raw.split(",").map((p) => intFlag(name, p.trim(), 0, 1, 65535));
  if (ports.length !== nodes) {
    throw new UsageError(`--${name} needs ${nodes} port(s), one per node, got "${raw}"`);
  }
  return ports;
}

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    help: HELP,
    options: {
      cluster: { type: "string" },
      port: { type: "string" },
      "http-port": { type: "string" },
      "work-dir": { type: "string" },
      "ready-timeout-ms": { type: "string" },
    },
  });
  if (!flags) return EXIT.OK;
  const v = flags.values;
  const nodes = intFlag("cluster", v.cluster, 1, 1, 5);
  if (nodes === 2) {
    throw new UsageError(`--cluster must be 1 or 3 to 5 (a JetStream cluster needs a quorum), got "2"`);
  }
  const signal = shutdownSignal();
  const nats = await startNats({
    nodes,
    ports: portList("port", v.port, nodes),
    httpPorts: portList("http-port", v["http-port"], nodes),
    workDir: v["work-dir"],
    readyTimeoutMs: intFlag("ready-timeout-ms", v["ready-timeout-ms"], 30_000, 1000),
  });
  console.log(nats.urls.join(","));
  console.error(
    `nats ready: ${nodes} node(s) at ${nats.urls.join(", ")} (monitoring ${
      nats.nodes.map((n) => n.monitorUrl).join(", ")
    }; work dir ${nats.workDir}); Ctrl-C stops it`,
  );
  await untilAborted(signal);
  await nats.stop();
  console.error("nats stopped");
  return EXIT.OK;
}

if (import.meta.main) Deno.exit(await run("nats", main));
