#!/usr/bin/env -S deno run -A
// task web-e2e: the browser end-to-end test with Chromium required (missing it fails, never skips).
import { EXIT, parseFlags, run } from "../lib/cli/main.ts";

const TEST = "tests/web_browser_test.ts";

const HELP = `Usage: ./tp web-e2e [-- deno test args...]

Runs the browser end-to-end test (${TEST}): the web page in headless Chromium against a real
stack. ./tp installs Chromium first; here a missing browser fails instead of being skipped.
Arguments after -- go to deno test (e.g. -- --filter divergence).
Exit: 0 passed, 1 failed, 2 usage error.`;

async function main(args: string[]): Promise<number> {
  const parsed = parseFlags(args, { help: HELP, options: {}, allowPositionals: true });
  if (!parsed) return EXIT.OK;
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", TEST, ...parsed.positionals],
    env: { WEB_E2E_REQUIRE: "1" },
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  return r.success ? EXIT.OK : EXIT.FAIL;
}

if (import.meta.main) Deno.exit(await run("web-e2e", main));
