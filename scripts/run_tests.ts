#!/usr/bin/env -S deno run -A
// Runs `deno task check` and `deno test`, streams their output, and ends with the plain line
// `N passed, N failed` read from Deno's own summary. Exit code: deno test's (check failure -> 1).
import { EXIT, parseFlags, run } from "../lib/cli/main.ts";

const HELP = `Usage: ./tp test [-- deno test args...]

Runs fmt/lint/type checks (task check), then the whole test suite with deno test,
and prints "N passed, N failed" from Deno's summary as the last line.
Exit: 0 all passed, 1 a check or a test failed.`;

async function main(args: string[]): Promise<number> {
  const parsed = parseFlags(args, { help: HELP, options: {}, allowPositionals: true });
  if (!parsed) return EXIT.OK;
  const deno = Deno.execPath();
  const check = await new Deno.Command(deno, {
    args: ["task", "-q", "check"],
    stdout: "inherit",
    stderr: "inherit",
  })
    .output();
  if (!check.success) {
    console.log("task check failed (fmt, lint or types): fix it first");
    console.log("0 passed, 1 failed");
    return EXIT.FAIL;
  }
  const child = new Deno.Command(deno, {
    args: ["test", "-A", "--no-check=remote", ...parsed.positionals],
    stdout: "piped",
    stderr: "inherit",
    // ./tp test installs Chromium, so the browser test must run, not be skipped.
    env: { WEB_E2E_REQUIRE: "1" },
  }).spawn();
  let tail = "";
  const dec = new TextDecoder();
  for await (const chunk of child.stdout) {
    await Deno.stdout.write(chunk);
    tail = (tail + dec.decode(chunk, { stream: true })).slice(-4096);
  }
  const status = await child.status;
  // Deno's summary: "ok | 12 passed (3 steps) | 0 failed (1s)" or "FAILED | 11 passed | 1 failed (2s)".
  // deno-lint-ignore no-control-regex
  const plain = tail.replace(/\x1b\[[0-9;]*m/g, "");
  const m = [...plain.matchAll(/(\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed/g)].at(-1);
  if (m) console.log(`${m[1]} passed, ${m[2]} failed`);
  else console.log(`0 passed, 1 failed`);
  return status.success && m !== undefined ? EXIT.OK : EXIT.FAIL;
}

if (import.meta.main) Deno.exit(await run("test", main));
