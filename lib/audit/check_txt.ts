// CHECK.txt: how to check a proof folder without tickproof, with stock tools only (coreutils,
// ssh-keygen, jq): the manifest, the signature, and per gate its raw answer and the JSON path of the
// value the folder states. Pure: the evidence flow writes it into each folder before sealing.
import type { Kind } from "../evidence/kinds.ts";
import { SIGNATURE_NAME } from "../evidence/kinds.ts";
import { MANIFEST_NAME } from "../evidence/manifest.ts";
import { EVIDENCE_NAMESPACE } from "../evidence/sshsig.ts";
import { rawFile } from "../verify/stack_gates.ts";
import { ACTIVITY_RAW } from "./recompute_activity.ts";
import { ALERTS_FILE } from "./recompute_oncall.ts";
import { opsRawFile } from "./recompute_ops.ts";

export const CHECK_TXT = "CHECK.txt";

const ONCALL_RAW: Record<string, string[]> = {
  feed_p99_transport_latency_ms: ["prom/latency_p99.json"],
  feed_symbols_stalled: ["prom/bars_increase.json", "prom/bars_active.json"],
  feed_reconnects_max_per_venue: ["prom/reconnects.json"],
  feed_gaps: ["prom/gaps.json"],
  feed_nan_records: ["prom/nan.json"],
  ai_event_age_max_s: ["prom/ai_event_age.json"],
  critical_alerts_unaddressed: [ALERTS_FILE],
};

/** Where a gate's raw answer is and the jq expression that prints the value the folder states. */
export function gateSource(kind: Kind, key: string): { raw: string[]; json: string; jq: string } {
  const sel = (list: string) => `.${list}[] | select(.key == "${key}") | .value`;
  switch (kind) {
    case "ai_live_ops_verify":
      return { raw: [opsRawFile(key)], json: "summary.json", jq: sel("gates") };
    case "oncall":
      return {
        raw: key.startsWith("up_") ? ["prom/up.json"] : ONCALL_RAW[key] ?? [],
        json: "summary.json",
        jq: sel("checks"),
      };
    case "ai_live_local_verify":
      return { raw: [rawFile(key)], json: "stack/stack_gates.json", jq: sel("gates") };
    case "ai_live_activity_demo":
      return {
        raw: [ACTIVITY_RAW[key as keyof typeof ACTIVITY_RAW] ?? "events_emitted.jsonl"],
        json: "summary.json",
        jq: `.${key}`,
      };
  }
}

export function renderCheckTxt(kind: Kind, gateKeys: readonly string[], signed: boolean): string {
  const gates = gateKeys.map((k) => {
    const s = gateSource(kind, k);
    return `  ${k}\n    raw answer: ${s.raw.join(", ") || "-"}\n    stated value: jq '${s.jq}' ${s.json}`;
  });
  return [
    `How to check this ${kind} folder without tickproof (run each command inside the folder).`,
    "",
    "1. Files: every listed file is intact, and no file is there that the manifest does not list:",
    `  sha256sum -c --strict ${MANIFEST_NAME}`,
    `  diff <(find . -type f ! -name ${MANIFEST_NAME} ! -name ${SIGNATURE_NAME} | sed 's|^\\./||' | sort) \\`,
    `       <(sed 's/^[0-9a-f]*  //' ${MANIFEST_NAME} | sort)`,
    "",
    "2. Signature" + (signed ? ":" : ": none (this proof is unsigned)."),
    ...(signed
      ? [
        `  ssh-keygen -Y verify -f allowed_signers -I tickproof -n ${EVIDENCE_NAMESPACE} \\`,
        `    -s ${SIGNATURE_NAME} < ${MANIFEST_NAME}`,
        "  (allowed_signers: the line `./tp evidence keygen` printed for the signing key)",
      ]
      : []),
    "",
    "3. Gates: each value comes from its raw answer (Prometheus JSON, or an HTTP answer):",
    ...gates,
    "",
    "With tickproof: ./tp evidence check <this folder> recomputes every gate from the raw answers.",
    "",
  ].join("\n");
}
