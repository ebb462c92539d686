#!/usr/bin/env -S deno run -A
// task check: the tree's static checks, in order, stopping at the first that fails.
import { EXIT, parseFlags, run } from "../lib/cli/main.ts";

// The operator page's browser modules need the DOM's types, which clash with Deno's in the tree's one
// program, so they are checked apart, from their entry, with the config that adds them.
const PAGE_CHECK = ["check", "--config", "lib/web/page/dom_check.json", "lib/web/page/app.js"];
const STEPS: readonly (readonly string[])[] = [["fmt", "--check"], ["lint"], ["check", "."], PAGE_CHECK];

const HELP = `Usage: ./tp check

Checks the whole tree: ${STEPS.map((s) => `deno ${s.join(" ")}`).join(", then ")}
(formatting, lint rules, types), stopping at the first that fails. ./tp test runs it first.
Fix formatting with: tools/deno/node_modules/.bin/deno fmt
Exit: 0 all clean, 1 a check failed, 2 usage error.`;

async function main(args: string[]): Promise<number> {
  if (!parseFlags(args, { help: HELP, options: {} })) return EXIT.OK;
  for (const step of STEPS) {
    const r = await new Deno.Command(Deno.execPath(), {
      args: [...step],
      stdout: "inherit",
      stderr: "inherit",
    })
      .output();
    if (!r.success) {
      console.error(`check: deno ${step.join(" ")} failed`);
      return EXIT.FAIL;
    }
  }
  return EXIT.OK;
}

if (import.meta.main) Deno.exit(await run("check", main));
