#!/usr/bin/env -S deno run -A
// task live-verify: the live loop's crash-point proof on the simulator (real processes, free ports).
import { EXIT, parseFlags, run, shutdownSignal, UsageError } from "../lib/cli/main.ts";
import { printProof } from "../lib/cli/proof_cli.ts";
import { CASE_NAMES } from "../lib/verify/live_matrix.ts";
import { runLiveVerify } from "../lib/verify/live_verify.ts";

const HELP = `Usage: ./tp live-verify [options]

The live loop's crash-point proof. Starts the venue simulator (trading, orders/fills truth, state file,
chaos file) and ./tp live (paper, its own state dir, drill API, LIVE_CRASH_POINT) as child processes
on free loopback ports (never the contract ports), a mark feed, and runs the fault matrix:
  kill -9 of the loop after the intent is logged, after the send before the ack, after the ack before
  the fill is logged, during a cancel, with an order queued but never sent (each followed by a warm
  start; the queued one is sent then, same client id); a lost ack; a 5xx with the
  order absent; a fill on the user stream missing from myTrades; a 429 storm; user-stream drops; an
  orphan order at the venue; an order vanished at the venue; drawdown -> kill switch -> restart (still
  HALTED) -> DELETE /admin/kill-switch -> trading.
Cases: ${CASE_NAMES.join(", ")}

Gates (judged on the simulator's orders/fills truth and the loop's event log; ./tp evidence check
recomputes them): no client order id placed twice (a re-send the venue refused as a duplicate counts);
every venue fill recorded exactly once; the OMS's
positions and balances equal the venue's; no order in flight after the grace period; the kill switch
persisted across a restart; /health 503 during each warm start's reconciliation and 200 after; every
case completed.

Writes .local_tmp/live_loop_verify_<UTC stamp>/: LIVE_LOOP_VERIFY_SUMMARY.txt (key=value, verdict
last), summary.json, RECONCILIATION_REPORT.txt, cases.json, api/ (raw answers of the loop: drill,
kill switch, /health before/after and every start's samples), venue/ (truth files, chaos log, the
venue's views before/after), loop/ (config, state dir with the event logs, each start's log),
run.json, gates.junit.xml, MANIFEST_SHA256.txt. Ctrl-C stops the children and still writes the
folder (FAIL).

Options:
  --cases LIST      run only these cases, comma-separated (default: the whole matrix); without
                    drawdown_kill_switch its gate has no data (NO_DATA, a FAIL)
  --out-root DIR    where evidence folders appear (default .local_tmp)
  -h, --help        this help

Exit: 0 PASS, 1 FAIL, 2 usage or environment.`;

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    help: HELP,
    options: { cases: { type: "string" }, "out-root": { type: "string" } },
  });
  if (!flags) return EXIT.OK;
  const v = flags.values;
  const cases = v.cases === undefined ? undefined : v.cases.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = cases?.find((c) => !CASE_NAMES.includes(c));
  if (cases && (bad !== undefined || cases.length === 0)) {
    throw new UsageError(`--cases takes names from ${CASE_NAMES.join(",")}, got "${v.cases}"`);
  }
  const res = await runLiveVerify({
    cases,
    evidenceRoot: v["out-root"],
    command: "live-verify",
    args,
    signal: shutdownSignal(),
    progress: (line) => console.error(`live-verify: ${line}`),
  });
  return printProof(res);
}

if (import.meta.main) Deno.exit(await run("live-verify", main));
