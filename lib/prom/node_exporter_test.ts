// The real node-exporter (system package) on a free port: exactly the collectors asked for, the
// textfile folder's .prom files (written by the project's own writer) exposed, a busy port refused; and
// `./tp node-exporter` as an operator runs it: ready line, SIGTERM stops it with exit 0.
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort } from "../http/free_port.ts";
import { PortBusyError } from "../util/errors.ts";
import { nodeExporterArgs, startNodeExporter } from "./node_exporter.ts";
import { writeTextfile } from "./textfile.ts";
import { startScript } from "../../testing/script_proc.ts";

const names = (text: string) =>
  new Set(
    text.split("\n").filter((l) => l && !l.startsWith("#")).map((l) => /^[a-zA-Z_:][\w:]*/.exec(l)![0]),
  );

Deno.test("nodeExporterArgs: the listen address, only the five collectors, the textfile folder made absolute", () => {
  const args = nodeExporterArgs({ host: "127.0.0.1", port: 9100, textfileDir: "data/textfile/" });
  assert.deepEqual(args, [
    "--web.listen-address=127.0.0.1:9100",
    "--collector.disable-defaults",
    "--collector.cpu",
    "--collector.meminfo",
    "--collector.filesystem",
    "--collector.loadavg",
    "--collector.textfile",
    `--collector.textfile.directory=${join(Deno.cwd(), "data/textfile")}`,
  ]);
});

Deno.test("startNodeExporter: system series of the kept collectors, the textfile metrics, nothing else; busy port refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tp_node_exporter_" });
  const tf = join(dir, "textfile"); // made by the launcher
  const port = freePort();
  const node = await startNodeExporter({
    host: "127.0.0.1",
    port,
    textfileDir: tf,
    logFile: join(dir, "ne.log"),
  });
  try {
    await writeTextfile(tf, "backtest.prom", [
      { name: "backtest_tracking_error", help: "h", labels: { venue: "binance" }, value: 0.0125 },
    ]);
    const text = await (await fetch(`${node.url}/metrics`)).text();
    const got = names(text);
    for (
      const m of [
        "node_cpu_seconds_total",
        "node_memory_MemAvailable_bytes",
        "node_memory_MemTotal_bytes",
        "node_filesystem_avail_bytes",
        "node_filesystem_size_bytes",
        "node_load1",
        "node_textfile_scrape_error",
      ]
    ) assert.ok(got.has(m), m);
    assert.match(text, /^backtest_tracking_error\{venue="binance"\} 0\.0125$/m);
    assert.match(text, /^node_textfile_scrape_error 0$/m);
    const collectors = [...text.matchAll(/^node_scrape_collector_success\{collector="(\w+)"\} 1$/gm)]
      .map((m) => m[1]).sort();
    assert.deepEqual(collectors, ["cpu", "filesystem", "loadavg", "meminfo", "textfile"]);
    for (
      const off of ["node_network_receive_bytes_total", "node_disk_io_time_seconds_total", "node_uname_info"]
    ) {
      assert.ok(!got.has(off), `${off} is a disabled collector's`);
    }
    await assert.rejects(
      () => startNodeExporter({ host: "127.0.0.1", port, textfileDir: tf, logFile: join(dir, "ne2.log") }),
      (err: Error) => err instanceof PortBusyError && err.message.includes(`port ${port} (node)`),
    );
  } finally {
    await node.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("./tp node-exporter: ready line naming the URL, the textfile folder from the env, SIGTERM stops it (exit 0)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "tp_node_exporter_cli_" });
  const port = freePort();
  const p = startScript("scripts/node_exporter.ts", ["--port", String(port), "--log", join(dir, "ne.log")], {
    env: { TICKPROOF_TEXTFILE_DIR: join(dir, "tf"), TICKPROOF_BIND_HOST: "127.0.0.1" },
  });
  try {
    await p.waitFor(
      "stderr",
      "the ready line",
      new RegExp(`node-exporter ready at http://127\\.0\\.0\\.1:${port}/metrics`),
    );
    await writeTextfile(join(dir, "tf"), "drift.prom", [{ name: "drift_psi", help: "h", value: 0.05 }]);
    assert.match(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), /^drift_psi 0\.05$/m);
    const done = await p.stop("SIGTERM");
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stderr, /node-exporter stopped/);
  } finally {
    await p.close();
    await Deno.remove(dir, { recursive: true });
  }
});
