// What the proof scripts against the running stack share: their URL and output flags with the
// contract ports as defaults, and how a finished proof is printed (summary, evidence folder, exit code).
import { bindHost, PORTS } from "../config/ports.ts";
import { verdictExit } from "./main.ts";

/** --prom-url, --exporter-url, --out-root: every stack proof's flags (parseFlags options). */
export const STACK_PROOF_FLAGS = {
  "prom-url": { type: "string" },
  "exporter-url": { type: "string" },
  "out-root": { type: "string" },
} as const;

/** The URL of a contract component on this host, the default of its --…-url flag. */
export function localUrl(component: "prometheus" | "ai_live"): string {
  return `http://${bindHost()}:${PORTS[component]}`;
}

/** Prints the proof's text summary and its evidence folder; its verdict becomes the exit code. */
export function printProof(
  res: { summaryText: string; dir: string; verdict: "PASS" | "FAIL" },
  log: (line: string) => void = console.log,
): number {
  log(res.summaryText.trimEnd());
  log(`evidence: ${res.dir}`);
  return verdictExit(res.verdict);
}
