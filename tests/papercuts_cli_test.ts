// An operator's first hour: the small CLI mistakes each get the message that names the real cause.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BarStore } from "../lib/store/bar_store.ts";
import { outputWithin } from "../testing/bounded_output.ts";
import { runScript } from "../testing/script_proc.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const dec = new TextDecoder();

async function cli(cmd: string, args: string[], env: Record<string, string> = {}) {
  const out = await outputWithin(cmd, { args, cwd: ROOT, env: { NO_COLOR: "1", ...env }, stdin: "null" });
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
const feed = (args: string[], env: Record<string, string> = {}) =>
  runScript("scripts/feed.ts", args, { cwd: ROOT, env: { NO_COLOR: "1", ...env } });

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

Deno.test("feed: an unknown env-file key is warned about with the closest known key; a bad flag value names the flag", async () => {
  const dir = await Deno.makeTempDir({ prefix: "papercut_env_" });
  const envFile = join(dir, "typo.env");
  const base = Deno.readTextFileSync(join(ROOT, "config/env/live.env")).replace(/^SYMBOLS=/m, "SYMBOLZ=");
  Deno.writeTextFileSync(envFile, base + "NO_SUCH_SETTING_AT_ALL=1\n");
  const line = base.split("\n").findIndex((l) => l.startsWith("SYMBOLZ=")) + 1;
  try {
    // SYMBOLS is now missing, so the config fails (exit 2): the warning says why.
    const r = await feed(["--env", envFile, "--port", "0"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /\nfeed: config .*: SYMBOLS .* \(value: missing\)\n$/);
    const warns = r.stderr.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l))
      .filter((l) => l.level === "warn").map((l) => l.msg);
    assert.deepEqual(warns, [
      `config ${envFile} line ${line}: unknown key SYMBOLZ is ignored; did you mean SYMBOLS?`,
      `config ${envFile} line ${base.split("\n").length}: unknown key NO_SUCH_SETTING_AT_ALL is ignored`,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const flag = await feed(["--intervals", "2m", "--port", "0"]);
  assert.deepEqual([flag.code, flag.stderr], [
    2,
    'feed: --intervals: INTERVALS must be a comma list of 1m, 1h (value: "2m")\n',
  ]);
  const file = await feed(["--port", "0"], { INTERVALS: "2m" });
  assert.equal(
    file.stderr,
    'feed: config config/env/live.env: INTERVALS must be a comma list of 1m, 1h (value: "2m")\n',
  );
});

const TP = join(ROOT, "tp");
const TASKS = Object.keys(JSON.parse(Deno.readTextFileSync(join(ROOT, "deno.json"))).tasks);

Deno.test("./tp --help lists every deno.json task with a description; an unknown task is exit 2 with that list", async () => {
  const help = await cli(TP, ["--help"]);
  assert.equal(help.code, 0);
  const listed = help.stdout.split("\n").filter((l) => /^ {2}\S/.test(l));
  assert.deepEqual(listed.map((l) => l.trim().split(/\s+/)[0]), TASKS);
  for (const l of listed) assert.doesNotMatch(l, /deno (run|test)/, `no description for: ${l}`);
  const bad = await cli(TP, ["nosuchtask"]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stdout, "");
  assert.equal(bad.stderr, `tickproof: unknown task "nosuchtask"\n\n${help.stdout}`);
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(bad.stderr, /\x1b\[/, "plain text, no colour codes");
  const none = await cli(TP, []);
  assert.deepEqual([none.code, none.stderr], [2, help.stdout]);
});

Deno.test("every task's --help is its own usage (exit 0), never Deno's", async () => {
  for (const task of TASKS) {
    const r = await cli(TP, [task, "--help"]);
    assert.equal(r.code, 0, `${task}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^Usage: \\./tp ${task}\\b`), task);
  }
});

Deno.test("./tp bench:features --help downloads nothing (an empty DENO_DIR stays without npm packages)", async () => {
  const denoDir = await Deno.makeTempDir({ prefix: "papercut_deno_dir_" });
  try {
    const r = await cli(TP, ["bench:features", "--help"], { DENO_DIR: denoDir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: \.\/tp bench:features/);
    assert.equal(r.stderr, "");
  } finally {
    await Deno.remove(denoDir, { recursive: true });
  }
});
