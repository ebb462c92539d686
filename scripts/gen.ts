#!/usr/bin/env -S deno run -A
// task gen: regenerates the committed generated config files from their sources, or (--check) says
// which committed file differs. The tests run the check, so a stale file fails the suite.
import { join } from "node:path";
import { EXIT, parseFlags, run } from "../lib/cli/main.ts";
import { demoRuleFiles } from "../lib/alerting/demo_rules.ts";
import { DEMO_RULES_DIR, RULES_DIR } from "../lib/alerting/rule_files.ts";
import { COMPOSE_PROM_CONFIG, renderComposePromConfig } from "../lib/compose/prom_config.ts";
import { writeFileAtomic } from "../lib/fs/atomic.ts";

const HELP = `Usage: ./tp gen [options]

Regenerates the generated config files from their sources (never edit them by hand):
  ${COMPOSE_PROM_CONFIG}   from config/prometheus/scrape.json, config/ports.json
                                           and the component table (lib/config/components.ts)
  ${DEMO_RULES_DIR}/*.yml       from ${RULES_DIR}/*.yml, time 20x faster

Options:
  --check          write nothing; exit 1 naming each committed file that differs from its source
  --out-dir DIR    write (or check) the files under DIR instead of the repository (default .)
  -h, --help       this help

Exit: 0 written / up to date, 1 a file is stale (--check), 2 usage error.`;

/** Every generated file: repository path and the text its generator makes now. */
async function generated(): Promise<{ path: string; text: string }[]> {
  return [
    { path: COMPOSE_PROM_CONFIG, text: await renderComposePromConfig() },
    ...await demoRuleFiles(RULES_DIR, DEMO_RULES_DIR),
  ];
}

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    help: HELP,
    options: { check: { type: "boolean" }, "out-dir": { type: "string" } },
  });
  if (!flags) return EXIT.OK;
  const outDir = flags.values["out-dir"] ?? ".";
  const files = await generated();
  const stale: string[] = [];
  for (const f of files) {
    const target = join(outDir, f.path);
    const now = await Deno.readTextFile(target).catch((err) => {
      if (err instanceof Deno.errors.NotFound) return null;
      throw err;
    });
    if (now === f.text) continue;
    stale.push(target);
    if (flags.values.check) console.error(`gen: ${target} is stale: run ./tp gen`);
    else {
      await writeFileAtomic(target, f.text);
      console.error(`gen: wrote ${target}`);
    }
  }
  if (flags.values.check && stale.length) return EXIT.FAIL;
  console.error(`gen: ${files.length - stale.length} of ${files.length} files were up to date`);
  return EXIT.OK;
}

if (import.meta.main) Deno.exit(await run("gen", main));
