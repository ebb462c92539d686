#!/usr/bin/env -S deno run -A
// task alertmanager: the real Alertmanager for the local stack on 127.0.0.1:9093, one node, until Ctrl-C.
import { join, resolve } from "node:path";
import { EXIT, intFlag, parseFlags, run, shutdownSignal, untilAborted } from "../lib/cli/main.ts";
import { bindHost, PORTS } from "../lib/config/ports.ts";
import { writeFileAtomic } from "../lib/fs/atomic.ts";
import { appendJsonl } from "../lib/fs/jsonl_append.ts";
import { utcStamp } from "../lib/evidence/stamp.ts";
import { AM_CONFIG_PATH, amtoolCheckConfig, renderAlertmanagerConfig } from "../lib/alerting/am_config.ts";
import { startAlertmanager } from "../lib/alerting/launcher.ts";
import { startWebhookSink } from "../lib/alerting/webhook_sink.ts";

const HELP = `Usage: ./tp alertmanager [options]

Checks ${AM_CONFIG_PATH} with amtool, starts the system's Alertmanager (0.25) on
127.0.0.1:${PORTS.alertmanager} as a single node (clustering off) with its own storage folder under
.local_tmp/, waits for /-/ready, and runs until Ctrl-C / SIGTERM, then stops it cleanly.
Prometheus (./tp prom) already points at this address.

Options:
  --port N             listen port (default ${PORTS.alertmanager}; a busy port is an error, never a fallback)
  --config PATH        Alertmanager config (default ${AM_CONFIG_PATH})
  --work-dir DIR       generated config, storage and log (default .local_tmp/alertmanager_<UTC stamp>)
  --webhook-log PATH   also run a loopback webhook receiver (free port) wired to the "critical" and
                       "warning" receivers, appending every notification to PATH as a JSON line
  --check-only         write and amtool-check the config, print its path, exit
  --ready-timeout-ms N how long to wait for /-/ready (default 20000)
  -h, --help           this help

Exit: 0 stopped cleanly, 1 Alertmanager failed, 2 usage error, bad config, tool missing or port busy.`;

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    help: HELP,
    options: {
      port: { type: "string" },
      config: { type: "string" },
      "work-dir": { type: "string" },
      "webhook-log": { type: "string" },
      "check-only": { type: "boolean" },
      "ready-timeout-ms": { type: "string" },
    },
  });
  if (!flags) return EXIT.OK;
  const v = flags.values;
  const host = bindHost();
  const port = intFlag("port", v.port, PORTS.alertmanager, 1, 65535);
  const workDir = resolve(v["work-dir"] ?? join(".local_tmp", `alertmanager_${utcStamp(Date.now())}`));
  const source = await Deno.readTextFile(v.config ?? AM_CONFIG_PATH);
  const webhookLog = v["webhook-log"];
  const sink = webhookLog
    ? startWebhookSink(host, 0, async (n) => {
      await appendJsonl(webhookLog, [n]);
    })
    : null;
  try {
    if (webhookLog) await Deno.mkdir(resolve(webhookLog, ".."), { recursive: true });
    const configFile = join(workDir, "alertmanager.yml");
    await writeFileAtomic(configFile, renderAlertmanagerConfig(source, { webhookUrl: sink?.url }));
    await amtoolCheckConfig(configFile);
    if (v["check-only"]) {
      console.log(configFile);
      return EXIT.OK;
    }
    const signal = shutdownSignal();
    const am = await startAlertmanager({
      host,
      port,
      configFile,
      storageDir: join(workDir, "data"),
      logFile: join(workDir, "alertmanager.log"),
      readyTimeoutMs: intFlag("ready-timeout-ms", v["ready-timeout-ms"], 20_000, 1000),
    });
    console.error(
      `alertmanager ready at ${am.url} (pid ${am.pid}; config ${configFile}; log ${
        join(workDir, "alertmanager.log")
      }${sink ? `; notifications -> ${webhookLog}` : ""}); Ctrl-C stops it`,
    );
    await untilAborted(signal);
    await am.stop();
    console.error("alertmanager stopped");
    return EXIT.OK;
  } finally {
    await sink?.close();
  }
}

if (import.meta.main) Deno.exit(await run("alertmanager", main));
