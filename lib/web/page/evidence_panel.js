// @ts-check
// The evidence panel: the newest finished proof folders (/api/evidence), each with its verdict and a
// link per file (served read-only by /api/evidence/<dir>/<file>).
import { badge, h, table } from "./render.js";
/** @import { EvidenceView, ProofFolder } from "../evidence.ts" */
/** @import { Panel } from "./render.js" */

/** @param {ProofFolder} f @param {string} path a file's path inside the folder */
const fileHref = (f, path) =>
  `/api/evidence/${encodeURIComponent(f.dir)}/${path.split("/").map(encodeURIComponent).join("/")}`;

/**
 * @param {EvidenceView} e
 * @returns {Panel}
 */
export function evidencePanel(e) {
  const rows = e.folders.map((f) => [
    f.name,
    f.stampUtc,
    f.verdict
      ? badge(f.verdict === "PASS", "PASS", "FAIL")
      : h("span", { class: "badge warn", text: "no verdict" }),
    f.hasManifest ? "manifest" : "—",
    h(
      "span",
      { class: "files" },
      ...f.files.map((file) =>
        h("a", {
          href: fileHref(f, file.path),
          target: "_blank",
          rel: "noopener noreferrer",
          text: file.path,
        })
      ),
    ),
  ]);
  return {
    body: [table(["proof", "stamp (UTC)", "verdict", "sha256", "files"], rows)],
    summary: e.exists
      ? `${e.folders.length} of ${e.total} proof folders in ${e.root}`
      : `${e.root} does not exist yet`,
  };
}
