// `./tp nats`: a three-node JetStream cluster on loopback reaches readiness, prints its client URLs,
// takes a publish into a stream with three replicas, and stops every node and its temp folder on
// SIGTERM. Bad flags and a busy given port are one line and exit 2.
import assert from "node:assert/strict";
import { withDeadline } from "../lib/async/poll.ts";
import { exists } from "../lib/fs/exists.ts";
import { connectNats } from "../lib/bus/nats_client.ts";
import { processAlive } from "../lib/proc/alive.ts";
import { startGroupTask } from "../testing/group_task.ts";
import { freePort } from "../testing/net.ts";
import { runScript } from "../testing/script_proc.ts";

Deno.test("./tp nats --cluster 3: ready, a replicas-3 stream takes a publish, SIGTERM stops all and cleans up", async () => {
  const t = startGroupTask("nats", ["--cluster", "3"]);
  try {
    const ready = await t.waitFor(
      "ready line",
      /nats ready: 3 node\(s\) .*work dir ([^)]+)\); Ctrl-C stops it/,
    );
    const workDir = ready[1];
    const urls = t.output().stdout.trim().split(",");
    assert.equal(urls.length, 3);
    for (const u of urls) assert.match(u, /^nats:\/\/127\.0\.0\.1:\d+$/);
    const nodeDirs = (await Array.fromAsync(Deno.readDir(workDir))).map((e) => e.name).sort();
    assert.deepEqual(nodeDirs, ["n1", "n2", "n3"]);

    const session = await connectNats(urls);
    try {
      await session.ensureStream({
        name: "R3_CHECK",
        subjects: ["check.>"],
        maxAgeMs: 60_000,
        duplicateWindowMs: 60_000,
        replicas: 3,
      });
      const enc = new TextEncoder();
      assert.deepEqual(await session.publish("check.one", enc.encode("x"), "id-1", 10_000), {
        seq: 1,
        duplicate: false,
      });
      assert.deepEqual(await session.publish("check.one", enc.encode("x"), "id-1", 10_000), {
        seq: 1,
        duplicate: true,
      });
      const st = await session.streamState("R3_CHECK");
      assert.deepEqual([st.messages, st.lastSeq, st.replicas], [1, 1, 3]);
      assert.match(st.leader, /^n[123]$/);
    } finally {
      await session.close();
    }

    const serverPids = await nodePids(workDir);
    assert.equal(serverPids.length, 3);
    t.signalGroup("SIGTERM");
    const status = await withDeadline("./tp nats to exit after SIGTERM", t.status, 60_000);
    assert.equal(status.code, 0, t.output().stderr);
    assert.match(t.output().stderr, /nats stopped\n$/);
    assert.equal(await exists(workDir), false, "the temp folder is removed");
    for (const pid of serverPids) {
      assert.equal(await processAlive(pid), false, `nats-server ${pid} still runs`);
    }
  } finally {
    try {
      t.signalGroup("SIGKILL");
    } catch { /* already gone */ }
    await withDeadline("./tp nats to exit", t.status, 60_000);
  }
});

/** The pids of nats-server processes whose command line names a config under workDir (from /proc). */
async function nodePids(workDir: string): Promise<number[]> {
  const pids: number[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const cmd = await Deno.readTextFile(`/proc/${e.name}/cmdline`).catch(() => "");
    if (cmd.includes("nats-server") && cmd.includes(workDir)) pids.push(Number(e.name));
  }
  return pids;
}

Deno.test("./tp nats: a bad flag or node count is one line and exit 2", async () => {
  for (
    const [args, line] of [
      [
        ["--cluster", "2"],
        'nats: --cluster must be 1 or 3 to 5 (a JetStream cluster needs a quorum), got "2"',
      ],
      [["--port", "4001,4002"], 'nats: --port needs 1 port(s), one per node, got "4001,4002"'],
      [["--cluster", "x"], 'nats: --cluster must be a whole number from 1 to 5, got "x"'],
      [["--bogus"], "nats: Unknown option '--bogus' (see --help)"],
    ] as const
  ) {
    const r = await runScript("scripts/nats.ts", [...args], { timeoutMs: 60_000 });
    assert.deepEqual([r.code, r.stdout, r.stderr], [2, "", `${line}\n`], args.join(" "));
  }
  const held = Deno.listen({ hostname: "127.0.0.1", port: freePort() });
  try {
    const port = (held.addr as Deno.NetAddr).port;
    const r = await runScript("scripts/nats.ts", ["--port", String(port)], { timeoutMs: 60_000 });
    assert.deepEqual([r.code, r.stdout, r.stderr], [
      2,
      "",
      `nats: port ${port} (nats client) on 127.0.0.1 is already in use; see who holds it: ss -ltnp 'sport = :${port}'\n`,
    ]);
  } finally {
    held.close();
  }
});
