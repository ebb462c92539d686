// The one launcher against the real Prometheus binary: a free port, a real target it scrapes, the
// throwaway TSDB removed on stop, and a busy port refused with the Port Contract's message.
import assert from "node:assert/strict";
import { join } from "node:path";
import { activeTargets } from "./client.ts";
import { startPrometheus } from "./launcher.ts";
import { waitFor } from "../async/poll.ts";

const exists = (p: string) => Deno.stat(p).then(() => true, () => false);

Deno.test("startPrometheus: port 0 takes a free port, scrapes the given target, stop removes the TSDB", async () => {
  const dir = await Deno.makeTempDir({ prefix: "prom_launcher_" });
  const target = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("tickproof_launcher_test 1\n"),
  );
  try {
    const prom = await startPrometheus({
      workDir: dir,
      host: "127.0.0.1",
      port: 0,
      scrape: {
        scrape_interval: "1s",
        scrape_timeout: "1s",
        evaluation_interval: "1s",
        jobs: ["ai_live"],
        rules_dir: join(dir, "no_rules"),
      },
      targets: { ai_live: `127.0.0.1:${target.addr.port}` },
      alertmanager: null,
    });
    try {
      assert.match(prom.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.notEqual(new URL(prom.url).port, "9092");
      assert.equal(prom.configFile, join(dir, "prometheus.yml"));
      assert.match(await Deno.readTextFile(prom.configFile), /job_name: "ai_live"/);
      await waitFor(
        "Prometheus to scrape the ai_live target healthy",
        async () =>
          (await activeTargets(prom.url)).targets.some((t) => t.job === "ai_live" && t.health === "up"),
        { timeoutMs: 30_000 },
      );
      assert.ok(await exists(prom.dataDir));
    } finally {
      await prom.stop();
      await prom.stop(); // idempotent
    }
    assert.equal(await exists(prom.dataDir), false);
    assert.ok(await exists(prom.logFile));
  } finally {
    await target.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("startPrometheus: a busy port is refused naming it, before anything starts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "prom_launcher_busy_" });
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    await assert.rejects(
      () => startPrometheus({ workDir: dir, host: "127.0.0.1", port: l.addr.port, alertmanager: null }),
      new RegExp(`^PortBusyError: port ${l.addr.port} \\(prometheus\\) on 127\\.0\\.0\\.1 is already in use`),
    );
    assert.equal(await exists(join(dir, "tsdb")), false);
  } finally {
    l.close();
    await Deno.remove(dir, { recursive: true });
  }
});
