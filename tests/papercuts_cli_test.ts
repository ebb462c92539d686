// An operator's first hour: the small CLI mistakes each get the message that names the real cause.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BarStore } from "../lib/store/bar_store.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const dec = new TextDecoder();

async function cli(cmd: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(cmd, { args, cwd: ROOT, env: { NO_COLOR: "1", ...env }, stdin: "null" })
    .output();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
const feed = (args: string[], env: Record<string, string> = {}) =>
  cli(Deno.execPath(), ["run", "-A", "scripts/feed.ts", ...args], env);

Deno.test("a second feed on a taken port (its store locked by the first) is the port message, exit 2", async () => {
  const dir = await Deno.makeTempDir({ prefix: "papercut_feed_" });
  const path = join(dir, "f.duckdb");
  const first = await BarStore.open(path);
  const holder = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = holder.addr.port;
    const r = await feed(["--port", String(port), "--store", path], { FEED_CLOCK: "wall" });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr,
      `feed: port ${port} (live_connector) on 127.0.0.1 is already in use; see who holds it: ss -ltnp 'sport = :${port}'\n`,
    );
  } finally {
    holder.close();
    await first.close();
    await Deno.remove(dir, { recursive: true });
  }
});
