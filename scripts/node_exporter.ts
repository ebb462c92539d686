#!/usr/bin/env -S deno run -A
// task node-exporter: the real node-exporter for the local stack on 127.0.0.1:9100 (job node), until Ctrl-C.
import { join } from "node:path";
import { EXIT, intFlag, parseFlags, run, shutdownSignal, untilAborted } from "../lib/cli/main.ts";
import { bindHost, PORTS } from "../lib/config/ports.ts";
import { utcStamp } from "../lib/evidence/stamp.ts";
import { NODE_COLLECTORS, startNodeExporter } from "../lib/prom/node_exporter.ts";
import { DEFAULT_TEXTFILE_DIR, TEXTFILE_DIR_ENV, textfileDir } from "../lib/prom/textfile.ts";

const HELP = `Usage: ./tp node-exporter [options]

Starts the system's node-exporter (package prometheus-node-exporter) on 127.0.0.1:${PORTS.node}
(Prometheus job node) with only the collectors ${NODE_COLLECTORS.join(", ")}. The textfile
collector exposes the *.prom files one-shot commands write (./tp drift: drift.prom, ./tp backtest:
backtest.prom, ./tp backup --drill: backup.prom) in ${TEXTFILE_DIR_ENV} (default ${DEFAULT_TEXTFILE_DIR},
made when missing). Waits
until /metrics answers and runs until Ctrl-C / SIGTERM, then stops it cleanly.

Options:
  --port N             listen port (default ${PORTS.node}; a busy port is an error, never a fallback)
  --textfile-dir DIR   the textfile collector's folder (default ${TEXTFILE_DIR_ENV}, else ${DEFAULT_TEXTFILE_DIR})
  --log PATH           node-exporter's own log (default .local_tmp/node_exporter_<UTC stamp>.log)
  --ready-timeout-ms N how long to wait for /metrics (default 20000)
  -h, --help           this help

Exit: 0 stopped cleanly, 1 node-exporter failed, 2 usage error, node-exporter missing or port busy.`;

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    help: HELP,
    options: {
      port: { type: "string" },
      "textfile-dir": { type: "string" },
      log: { type: "string" },
      "ready-timeout-ms": { type: "string" },
    },
  });
  if (!flags) return EXIT.OK;
  const v = flags.values;
  const logFile = v.log ?? join(".local_tmp", `node_exporter_${utcStamp(Date.now())}.log`);
  await Deno.mkdir(join(logFile, ".."), { recursive: true });
  const signal = shutdownSignal();
  const node = await startNodeExporter({
    host: bindHost(),
    port: intFlag("port", v.port, PORTS.node, 1, 65535),
    textfileDir: v["textfile-dir"] ?? textfileDir((k) => Deno.env.get(k)),
    logFile,
    readyTimeoutMs: intFlag("ready-timeout-ms", v["ready-timeout-ms"], 20_000, 1000),
  });
  console.error(
    `node-exporter ready at ${node.url}/metrics (pid ${node.pid}; log ${logFile}); Ctrl-C stops it`,
  );
  await untilAborted(signal);
  await node.stop();
  console.error("node-exporter stopped");
  return EXIT.OK;
}

if (import.meta.main) Deno.exit(await run("node-exporter", main));
