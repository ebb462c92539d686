// Durability: a bar is committed once upsertBar resolves. A child writes bars and acknowledges each
// on stdout; we SIGKILL it mid-stream, reopen the file and must find every acknowledged bar intact.
import assert from "node:assert/strict";
import { join } from "node:path";
import { BarStore } from "./bar_store.ts";
import { killBar } from "../../testing/kill_writer.ts";

Deno.test("BarStore: every acknowledged bar survives SIGKILL of the writing process", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bar_store_kill_" });
  try {
    const path = join(dir, "feed.duckdb");
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../../testing/kill_writer.ts", import.meta.url).pathname, path],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    let acked = -1;
    let killed = false;
    let buf = "";
    const dec = new TextDecoder();
    for await (const chunk of child.stdout) {
      buf += dec.decode(chunk, { stream: true });
      const lines = buf.split("\n");
      buf = lines.pop()!;
      for (const line of lines) acked = Number(line.slice(4));
      // Past two checkpoints (every 25), so both the file and the WAL hold acknowledged bars.
      if (!killed && acked >= 60) {
        child.kill("SIGKILL");
        killed = true;
      }
    }
    const status = await child.status;
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
