// CHECK.txt: how to check a proof folder without tickproof, with stock tools only (coreutils,
// ssh-keygen, jq): the manifest, the signature, and per gate its raw answer and the JSON path of the
// value the folder states. Pure: the evidence flow writes it into each folder before sealing.
import { gateSource } from "./gate_sources.ts";
import { type Kind, SIGNATURE_NAME } from "./kinds.ts";
import { MANIFEST_NAME } from "./manifest.ts";
import { EVIDENCE_NAMESPACE } from "./sshsig.ts";

export const CHECK_TXT = "CHECK.txt";

export function renderCheckTxt(kind: Kind, gateKeys: readonly string[], signed: boolean): string {
  const gates = gateKeys.map((k) => {
    const s = gateSource(kind, k);
    const stated = s.grep ? `grep '${s.grep}' ${s.json}` : `jq '${s.jq}' ${s.json}`;
    return `  ${k}\n    raw answer: ${s.raw.join(", ") || "-"}\n    stated value: ${stated}`;
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
    "3. Gates: each value comes from its raw answer (Prometheus JSON, an HTTP answer, or the data judged):",
    ...gates,
    "",
    "With tickproof: ./tp evidence check <this folder> recomputes every gate from the raw answers.",
    "",
  ].join("\n");
}
