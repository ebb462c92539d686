#!/usr/bin/env -S deno run -A
// task verify: the one-command proof of the local stack.
import { EXIT, intFlag, parseFlags, run, shutdownSignal, verdictExit } from "../lib/cli/main.ts";
import { runLocalVerify } from "../lib/verify/local_verify.ts";

const HELP = `Usage: ./tp verify [options]

The one-command proof. Starts every part of the local stack that is not already running (as
child processes, logs in the evidence folder; says so), runs the activity demo and ops verify
against the real Prometheus on :9092, judges the rest of the stack with hard stack gates (feed up,
bars closed and trades seen per enabled venue, strategy decisions from real bars, Alertmanager
ready, web page answering), scans the evidence for key material, stops what it started, and
writes .local_tmp/ai_live_local_verify_<UTC stamp>/ with OPERATOR_NOTE.txt, stack/STACK_GATES.tsv,
KEY_MATERIAL_SCAN.txt, LATEST_DIRS.txt, run.json and MANIFEST_SHA256.txt. A contract port held by
something that does not answer that component's health path stops the proof before it starts
anything (exit 2, naming the port and its holder).

Options:
  --out-root DIR   where evidence folders appear (default .local_tmp)
  --wait-s N       how long each stage waits for Prometheus (default 60)
  -h, --help       this help

Exit: 0 PASS, 1 FAIL (a gate failed; OPERATOR_NOTE.txt says which), 2 usage or environment error
(e.g. a contract port held by something else).`;

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    help: HELP,
    options: { "out-root": { type: "string" }, "wait-s": { type: "string" } },
  });
  if (!flags) return EXIT.OK;
  const res = await runLocalVerify({
    evidenceRoot: flags.values["out-root"],
    waitMs: intFlag("wait-s", flags.values["wait-s"], 60, 0, 3600) * 1000,
    command: "verify",
    args,
    signal: shutdownSignal(),
  });
  console.log(await Deno.readTextFile(`${res.dir}/OPERATOR_NOTE.txt`));
  console.log(`evidence: ${res.dir}`);
  return verdictExit(res.verdict);
}

if (import.meta.main) Deno.exit(await run("verify", main));
