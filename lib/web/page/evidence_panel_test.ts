// The evidence panel's exact markup for /api/evidence data (the server's own type).
import assert from "node:assert/strict";
import type { EvidenceView } from "../evidence.ts";
import { evidencePanel } from "./evidence_panel.js";
import { toHtml } from "./render.js";

const EVIDENCE: EvidenceView = {
  root: ".local_tmp",
  exists: true,
  total: 5,
  folders: [
    {
      dir: "ai_live_ops_20260101T000000Z",
      name: "ai_live_ops",
      stampUtc: "2026-01-01T00:00:00Z",
      verdict: "PASS",
      verdictFile: "AI_LIVE_OPS_SUMMARY.txt",
      hasManifest: true,
      files: [{ path: "AI_LIVE_OPS_SUMMARY.txt", size: 1 }, { path: "sub dir/a#b.txt", size: 2 }],
      filesTruncated: false,
    },
    {
      dir: "x_20260101T000001Z",
      name: "x",
      stampUtc: "2026-01-01T00:00:01Z",
      verdict: "FAIL",
      verdictFile: null,
      hasManifest: false,
      files: [],
      filesTruncated: false,
    },
    {
      dir: "y_20260101T000002Z",
      name: "y",
      stampUtc: "2026-01-01T00:00:02Z",
      verdict: null,
      verdictFile: null,
      hasManifest: true,
      files: [],
      filesTruncated: false,
    },
  ],
};

Deno.test("evidence panel: verdicts, manifest, file links encoded; a root that does not exist", () => {
  const p = evidencePanel(EVIDENCE);
  assert.equal(p.summary, "3 of 5 proof folders in .local_tmp");
  assert.equal(
    toHtml(p.body),
    "<table><thead>" +
      "<tr><th>proof</th><th>stamp (UTC)</th><th>verdict</th><th>sha256</th><th>files</th></tr></thead><tbody>" +
      '<tr><td>ai_live_ops</td><td>2026-01-01T00:00:00Z</td><td><span class="badge ok">PASS</span></td><td>manifest</td><td><span class="files"><a href="/api/evidence/ai_live_ops_20260101T000000Z/AI_LIVE_OPS_SUMMARY.txt" target="_blank" rel="noopener noreferrer">AI_LIVE_OPS_SUMMARY.txt</a><a href="/api/evidence/ai_live_ops_20260101T000000Z/sub%20dir/a%23b.txt" target="_blank" rel="noopener noreferrer">sub dir/a#b.txt</a></span></td></tr>' +
      '<tr><td>x</td><td>2026-01-01T00:00:01Z</td><td><span class="badge bad">FAIL</span></td><td>—</td><td><span class="files"></span></td></tr>' +
      '<tr><td>y</td><td>2026-01-01T00:00:02Z</td><td><span class="badge warn">no verdict</span></td><td>manifest</td><td><span class="files"></span></td></tr></tbody></table>',
  );
  const none = evidencePanel({ root: "/x", exists: false, total: 0, folders: [] });
  assert.equal(none.summary, "/x does not exist yet");
  assert.equal(
    toHtml(none.body),
    "<table><thead>" +
      "<tr><th>proof</th><th>stamp (UTC)</th><th>verdict</th><th>sha256</th><th>files</th></tr></thead><tbody></tbody></table>",
  );
});
