#!/usr/bin/env -S deno run -A
// Runs `deno task check` and `deno test`, streams their output, and ends with the plain line
// `N passed, N failed, N ignored` read from Deno's own summary. Exit code: deno test's (check
// failure -> 1). The shared venue fixtures must be present unless TICKPROOF_ALLOW_MISSING_SHARED=1.
import { EXIT, parseFlags, run } from "../lib/cli/main.ts";
import {
  ALLOW_MISSING_SHARED,
  missingSharedMessage,
  sharedVenueFixtures,
} from "../testing/shared_fixtures.ts";

const HELP = `Usage: ./tp test [-- deno test args...]

Runs fmt/lint/type checks (task check), then the whole test suite with deno test,
and prints "N passed, N failed, N ignored" from Deno's summary as the last line.
The shared venue fixtures (../shared/fixtures/venues, or TICKPROOF_SHARED_DIR) must be
present; ${ALLOW_MISSING_SHARED}=1 runs without them (their tests are then ignored).
Exit: 0 all passed, 1 a check or a test failed, or the shared fixtures are missing.`;

const closing = (passed: number | string, failed: number | string, ignored: number | string) =>
  `${passed} passed, ${failed} failed, ${ignored} ignored`;

async function main(args: string[]): Promise<number> {
  const parsed = parseFlags(args, { help: HELP, options: {}, allowPositionals: true });
  if (!parsed) return EXIT.OK;
  const shared = sharedVenueFixtures();
  if (!shared.present && !shared.ignore) {
    console.log(`./tp test: ${missingSharedMessage(shared.dir)}`);
    console.log(closing(0, 1, 0));
    return EXIT.FAIL;
  }
  const deno = Deno.execPath();
  const check = await new Deno.Command(deno, {
    args: ["task", "-q", "check"],
    stdout: "inherit",
    stderr: "inherit",
  })
    .output();
  if (!check.success) {
    console.log("task check failed (fmt, lint or types): fix it first");
    console.log(closing(0, 1, 0));
    return EXIT.FAIL;
  }
  // The operator's own evidence signing key (default path or TICKPROOF_SIGNING_KEY) never leaks into
  // the tests: they see an empty config home, and tests that sign make their own keys.
  const configHome = await Deno.makeTempDir({ prefix: "tickproof_test_config_" });
  const child = new Deno.Command(deno, {
    args: ["test", "-A", "--no-check=remote", ...parsed.positionals],
    stdout: "piped",
    stderr: "inherit",
    // ./tp test installs Chromium, so the browser test must run, not be skipped.
    env: { WEB_E2E_REQUIRE: "1", XDG_CONFIG_HOME: configHome, TICKPROOF_SIGNING_KEY: "" },
  }).spawn();
  let tail = "";
  const dec = new TextDecoder();
  for await (const chunk of child.stdout) {
    await Deno.stdout.write(chunk);
    tail = (tail + dec.decode(chunk, { stream: true })).slice(-4096);
  }
  const status = await child.status;
  await Deno.remove(configHome, { recursive: true }).catch(() => {});
  // Deno's summary: "ok | 12 passed (3 steps) | 0 failed | 2 ignored (1 step) (1s)" (the ignored
  // part only when some are) or "FAILED | 11 passed | 1 failed (2 steps) (2s)".
  // deno-lint-ignore no-control-regex
  const plain = tail.replace(/\x1b\[[0-9;]*m/g, "");
  const steps = String.raw`(?: \(\d+ steps?\))?`;
  const summary = new RegExp(
    String.raw`(\d+) passed${steps} \| (\d+) failed${steps}(?: \| (\d+) ignored)?`,
    "g",
  );
  const m = [...plain.matchAll(summary)].at(-1);
  if (!shared.present) {
    console.log(`./tp test: ${shared.dir} is absent; its tests were ignored (${ALLOW_MISSING_SHARED}=1)`);
  }
  if (m) console.log(closing(m[1], m[2], m[3] ?? 0));
  else console.log(closing(0, 1, 0));
  return status.success && m !== undefined ? EXIT.OK : EXIT.FAIL;
}

if (import.meta.main) Deno.exit(await run("test", main));
