// scripts/shadow.ts as a black box: --help, bad flags, busy port (exit 2), and a real run against a
// test feed on port 0 that decides live bars and stops cleanly on SIGTERM (exit 0).
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { validateEvent } from "../lib/events/ai_event.ts";
import { fixtureClosedBars } from "../testing/shadow_fixture.ts";
import { waitFor } from "../lib/async/poll.ts";
import { readEvents, TestFeed } from "./shadow_feed_server.ts";
import { runScript, startScript } from "../testing/script_proc.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const opts = { cwd: ROOT, env: { NO_COLOR: "1" } };
const cli = (args: string[]) => startScript("scripts/shadow.ts", args, opts);
/** A one-shot run, with a deadline (the child is killed when it passes). */
const cliOutput = (args: string[]) => runScript("scripts/shadow.ts", args, opts);

Deno.test("shadow CLI: --help exits 0; an unknown flag and a busy port exit 2 with one line", async () => {
  const help = await cliOutput(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: \.\/tp shadow/);
  const bad = await cliOutput(["--bogus"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^shadow: Unknown option '--bogus'/);
  const badPort = await cliOutput(["--port", "x"]);
  assert.equal(badPort.code, 2);
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const busy = await cliOutput(["--port", String(listener.addr.port), "--feed-url", "http://127.0.0.1:9"]);
    assert.equal(busy.code, 2);
    assert.match(
      busy.stderr,
      new RegExp(`port ${listener.addr.port} \\(shadow_mvs\\).*already in use`),
    );
  } finally {
    listener.close();
  }
});

Deno.test("shadow CLI decides live bars from the feed and stops cleanly on SIGTERM", async () => {
  const bars = fixtureClosedBars();
  const feed = new TestFeed();
  const dir = await Deno.makeTempDir();
  const events = `${dir}/events.jsonl`;
  try {
    feed.publish(bars.slice(0, 100), false);
    const child = cli([
      "--config",
      "config/strategy/refstrat_01.demo.json",
      "--port",
      "0",
      "--feed-url",
      feed.url,
      "--events",
      events,
      "--run-id",
      "cli-test",
    ]);
    try {
      const first = await child.waitFor("stdout", "the shadow CLI's first stdout line", /^.*\n/);
      assert.match(first[0], /^shadow_mvs: http:\/\/127\.0\.0\.1:\d+\//);
      const url = first[0].match(/http:\/\/127\.0\.0\.1:\d+\//)![0];
      await waitFor("stream open", () => feed.clients === 1);
      feed.publish(bars.slice(100, 110));
      await waitFor(
        "10 decisions in the events file",
        async () => (await readEvents(events)).filter((e) => e.type === "decision").length >= 10,
        { timeoutMs: 20_000 },
      );
      const health = await (await fetch(`${url}health`)).json();
      assert.deepEqual([health.status, health.run_id, health.decisions.hold], ["ok", "cli-test", 10]);
      const { code, stderr } = await child.stop("SIGTERM", 20_000);
      assert.equal(code, 0, stderr);
      assert.match(stderr, /"msg":"shadow_mvs stopped"/);
    } finally {
      await child.close();
    }
    const evs = await readEvents(events);
    const decisions = evs.filter((e) => e.type === "decision");
    assert.deepEqual(decisions.map((d) => d.bar_open_time_ms), bars.slice(100, 110).map((b) => b.openTimeMs));
    assert.ok(evs.every((e) => validateEvent(e).ok && e.run_id === "cli-test"));
  } finally {
    await feed.close();
    await Deno.remove(dir, { recursive: true });
  }
});
