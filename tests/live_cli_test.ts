// scripts/live.ts as a black box: --help, and bad flags or settings are one line, exit 2, no secret shown.
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runScript } from "../testing/script_proc.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const cli = (args: string[], env: Record<string, string> = {}) =>
  runScript("scripts/live.ts", args, { cwd: ROOT, env: { NO_COLOR: "1", ...env } });

Deno.test("live CLI: --help exits 0; a bad flag, start mode or token is one line, exit 2", async () => {
  const help = await cli(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: \.\/tp live/);
  assert.match(help.stdout, /LIVE_ADMIN_TOKEN/);
  const cases: [string[], Record<string, string>, string][] = [
    [
      ["--bogus"],
      {},
      "live: Unknown option '--bogus' (see --help)\n",
    ],
    [["--start", "hot"], {}, 'live: --start must be cold or warm, got "hot"\n'],
    [["--port", "x"], {}, 'live: --port must be a whole number from 0 to 65535, got "x"\n'],
    [
      [],
      { LIVE_ADMIN_TOKEN: "tooshort-secret" },
      "live: LIVE_ADMIN_TOKEN must hold at least 16 characters without spaces or control characters (value not shown)\n",
    ],
  ];
  cases.push([
    ["--port", "0"],
    { BINANCE_API_KEY: "", BINANCE_API_KEY_FILE: "" },
    "live: BINANCE_API_KEY (or BINANCE_API_KEY_FILE) is not set\n",
  ]);
  cases.push([["--config", "/nonexistent.json"], {}, "live: /nonexistent.json: NotFound\n"]);
  for (const [args, env, stderr] of cases) {
    const r = await cli(args, env);
    assert.deepEqual([r.code, r.stderr], [2, stderr], args.join(" "));
    assert.ok(!r.stderr.includes("tooshort-secret"));
  }
});
