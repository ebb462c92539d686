// Durability: a bar is committed once upsertBar resolves. A child writes bars and acknowledges each
// on stdout; we SIGKILL it mid-stream, reopen the file and must find every acknowledged bar intact.
import assert from "node:assert/strict";
import { join } from "node:path";
import { BarStore } from "./bar_store.ts";
import { killBar } from "../../testing/kill_writer.ts";
import { startScript } from "../../testing/script_proc.ts";

/** The last acknowledged bar index in the writer's whole lines ("ack N"), -1 before the first. */
function lastAck(stdout: string): number {
  const lines = stdout.split("\n");
  lines.pop(); // a partial line is not an acknowledgement yet
  return lines.length ? Number(lines.at(-1)!.slice(4)) : -1;
}

Deno.test("BarStore: every acknowledged bar survives SIGKILL of the writing process", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bar_store_kill_" });
  try {
    const path = join(dir, "feed.duckdb");
    const child = startScript(new URL("../../testing/kill_writer.ts", import.meta.url).pathname, [path]);
    // Past two checkpoints (every 25), so both the file and the WAL hold acknowledged bars.
    try {
      await child.waitFor("stdout", "60 acknowledged bars", (t) => lastAck(t) >= 60 || undefined);
    } finally {
      await child.close(); // SIGKILL mid-stream
    }
    const status = await child.finished();
    const acked = lastAck(status.stdout);
    assert.equal(status.signal, "SIGKILL");
    assert.ok(acked >= 60, `acked ${acked}`);

    const store = await BarStore.open(path);
    try {
      const rows = await store.recentBars("bybit", "ETH-USDT", "1m", 100_000);
      assert.ok(rows.length >= acked + 1, `found ${rows.length} bars, ${acked + 1} acknowledged`);
      assert.ok(rows.length <= acked + 2, "at most the one in-flight write beyond the last ack");
      for (let i = 0; i <= acked; i++) assert.deepEqual(rows[i], killBar(i));
    } finally {
      await store.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
