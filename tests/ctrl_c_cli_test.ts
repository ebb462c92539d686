// Ctrl-C through ./tp: a terminal sends SIGINT to the whole foreground group (bash, deno task and
// the deno run child). Every long-running task must stop cleanly on it, exit 0, with its stop line.
import assert from "node:assert/strict";
import { join } from "node:path";
import { BarStore } from "../lib/store/bar_store.ts";
import { pollUntil, withDeadline } from "../lib/async/poll.ts";
import { startGroupTask } from "../testing/group_task.ts";
import { freePort } from "../testing/net.ts";
import { startDeno } from "../testing/script_proc.ts";

Deno.test("SIGINT to the group of ./tp feed (and of ./tp venue-sim) exits 0 with the store closed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ctrl_c_feed_" });
  const sim = startGroupTask("venue-sim", ["--port", "0", "--speed", "60", "--symbols", "BTC-USDT"]);
  try {
    const simPort = (await sim.waitFor("listening line", /"url":"http:\/\/127\.0\.0\.1:(\d+)"/))[1];
    const store = join(dir, "feed.duckdb");
    const env = Deno.readTextFileSync("config/env/live.env").replaceAll(
      "127.0.0.1:8765",
      `127.0.0.1:${simPort}`,
    )
      .replace(/^STORE_PATH=.*$/m, `STORE_PATH=${store}`).replace(/^SYMBOLS=.*$/m, "SYMBOLS=BTC-USDT");
    Deno.writeTextFileSync(join(dir, "sim.env"), env);
    const feed = startGroupTask("feed", ["--env", join(dir, "sim.env"), "--port", "0"]);
    const url = (await feed.waitFor("listening line", /"msg":"listening","url":"(http:\/\/[^"]+)"/))[1];
    const stored = await pollUntil(
      async () => {
        const h = await (await fetch(`${url}/health`)).json();
        return h.store.barsStored > 0 ? h.store.barsStored as number : undefined;
      },
      60_000,
      200,
    );
    assert.ok(stored, "the feed stored no bar within 60 s");
    feed.signalGroup("SIGINT");
    const st = await withDeadline("./tp feed to exit after SIGINT", feed.status, 60_000);
    const out = feed.output();
    assert.equal(st.code, 0, out.stderr);
    assert.match(out.stderr, /"msg":"stopped","barsStored":\d+/);
    assert.equal(
      await Deno.stat(`${store}.wal`).then(() => true, () => false),
      false,
      "the DuckDB WAL is left behind",
    );
    const reopened = await BarStore.open(store);
    try {
      assert.ok((await reopened.countBars()) >= stored);
    } finally {
      await reopened.close();
    }
    sim.signalGroup("SIGINT");
    const simSt = await withDeadline("./tp sim to exit after SIGINT", sim.status, 60_000);
    assert.equal(simSt.code, 0, sim.output().stderr);
    assert.match(sim.output().stderr, /"msg":"stopped"/);
  } finally {
    try {
      sim.signalGroup("SIGKILL");
    } catch { /* already gone */ }
    await withDeadline("./tp sim to exit after SIGKILL", sim.status, 60_000);
    await Deno.remove(dir, { recursive: true });
  }
});

interface Case {
  task: string;
  args: (dir: string) => string[];
  /** A line on stdout/stderr that says it runs, or a file in dir it writes once running. */
  ready: RegExp | string;
  stopped: RegExp;
}

const CASES: Case[] = [
  {
    task: "exporter",
    args: (dir) => ["--events", join(dir, "events.jsonl"), "--port", "0"],
    ready: /ai_live exporter listening/,
    stopped: /"msg":"ai_live exporter stopped"/,
  },
  {
    task: "emit",
    args: (dir) => ["--n", "100000", "--interval-ms", "50", "--out", join(dir, "events.jsonl")],
    ready: "events.jsonl",
    stopped: /"msg":"events written"/,
  },
  {
    task: "web",
    args: (dir) => ["--port", "0", "--evidence-dir", dir],
    ready: /peak_trade_web: http:/,
    stopped: /"msg":"stopped"/,
  },
  {
    task: "shadow",
    args: (dir) => [
      "--config",
      "config/strategy/refstrat_01.demo.json",
      "--port",
      "0",
      "--feed-url",
      `http://127.0.0.1:${freePort()}`,
      "--events",
      join(dir, "events.jsonl"),
    ],
    ready: /shadow_mvs: http:/,
    stopped: /"msg":"shadow_mvs stopped"/,
  },
  {
    task: "prom",
    args: (dir) => ["--port", String(freePort()), "--no-alertmanager", "--work-dir", dir],
    ready: /prometheus ready at/,
    stopped: /prometheus stopped/,
  },
  {
    task: "alertmanager",
    args: (dir) => ["--port", String(freePort()), "--work-dir", dir],
    ready: /alertmanager ready at/,
    stopped: /alertmanager stopped/,
  },
  {
    task: "node-exporter",
    args: (
      dir,
    ) => ["--port", String(freePort()), "--textfile-dir", join(dir, "tf"), "--log", join(dir, "ne.log")],
    ready: /node-exporter ready at/,
    stopped: /node-exporter stopped/,
  },
  {
    task: "nats",
    args: () => [],
    ready: /nats ready: 1 node\(s\)/,
    stopped: /nats stopped/,
  },
];

for (const c of CASES) {
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    Deno.test(`${sig} to the group of ./tp ${c.task} exits 0 after its stop line`, async () => {
      const dir = await Deno.makeTempDir({ prefix: `ctrl_c_${c.task}_` });
      const t = startGroupTask(c.task, c.args(dir));
      try {
        if (typeof c.ready === "string") {
          const file = join(dir, c.ready);
          const ok = await pollUntil(() => Deno.stat(file).then(() => true, () => undefined), 60_000, 50);
          assert.ok(ok, `./tp ${c.task} wrote no ${file} within 60 s: ${JSON.stringify(t.output())}`);
        } else await t.waitFor("ready line", c.ready);
        t.signalGroup(sig);
        const st = await withDeadline(`./tp ${c.task} to exit after ${sig}`, t.status, 60_000);
        const out = t.output();
        assert.equal(st.code, 0, `${out.stdout}${out.stderr}`);
        assert.match(out.stdout + out.stderr, c.stopped);
      } finally {
        try {
          t.signalGroup("SIGKILL");
        } catch { /* already gone */ }
        await withDeadline(`./tp ${c.task} to exit after SIGKILL`, t.status, 60_000);
        await Deno.remove(dir, { recursive: true });
      }
    });
  }
}

/** `deno eval` of a script using lib/cli/main.ts; until(word) reads stdout until the word appears. */
function evalScript(script: string) {
  const p = startDeno(["eval", script]);
  return {
    kill: p.kill,
    async until(word: string) {
      await p.waitFor(
        "stdout",
        `the script to print "${word}"`,
        (t) => t.includes(word) || undefined,
        60_000,
      );
    },
    async finish() {
      const r = await p.finished(60_000);
      return { code: r.code, stderr: r.stderr };
    },
  };
}

const CLI_MAIN = new URL("../lib/cli/main.ts", import.meta.url);

Deno.test("a repeated SIGINT (deno task's forwarded copy of the same Ctrl-C) does not cut the stop short", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ctrl_c_repeat_" });
  const marker = join(dir, "go");
  // The script's own listener runs after shutdownSignal's, so "second" proves the repeat was handled.
  const t = evalScript(`
    import { run, shutdownSignal, untilAborted } from "${CLI_MAIN}";
    Deno.exit(await run("t", async () => {
      const signal = shutdownSignal();
      let n = 0;
      Deno.addSignalListener("SIGINT", () => { if (++n === 2) console.log("second"); });
      console.log("ready");
      await untilAborted(signal);
      console.log("stopping");
      while (!(await Deno.stat(${JSON.stringify(marker)}).then(() => true, () => false))) {
        await new Promise((r) => setTimeout(r, 20));
      }
      console.log("stopped");
      return 0;
    }));`);
  try {
    await t.until("ready");
    t.kill("SIGINT");
    await t.until("stopping");
    t.kill("SIGINT");
    await t.until("second");
    await Deno.writeTextFile(marker, "");
    await t.until("stopped");
    const r = await t.finish();
    assert.equal(r.code, 0, r.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a stop that hangs past the deadline exits 1 with one line naming the signal", async () => {
  const t = evalScript(`
    import { run, shutdownSignal, untilAborted } from "${CLI_MAIN}";
    Deno.exit(await run("hang", async () => {
      const signal = shutdownSignal(100);
      setInterval(() => {}, 1000); // the stuck stop: work that never ends
      console.log("ready");
      await untilAborted(signal);
      await new Promise(() => {});
      return 0;
    }));`);
  await t.until("ready");
  t.kill("SIGTERM");
  assert.deepEqual(await t.finish(), {
    code: 1,
    stderr: "hang: did not stop within 0.1s of SIGTERM; exiting without a clean stop\n",
  });
});
