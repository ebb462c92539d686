// live_loop_verify: every gate recomputed with judgeLive from the files the folder keeps (the venue's
// orders/fills truth, the loop's event logs replayed, the venue's final view, the kill-switch answers,
// the /health samples, the cases), the verdict, and the text summary rendered again.
import { judgeLive, LIVE_HEADER, LIVE_SUMMARY, readLiveInputs } from "../verify/live_gates.ts";
import { byKey, type CheckRow, compareGate, readJson, unexpected } from "./rows.ts";
import { summaryFileRow, summaryMissing, verdictRow } from "./summary_rows.ts";

export async function recomputeLive(dir: string): Promise<CheckRow[]> {
  const summary = await readJson(dir, "summary.json");
  if (!summary) return summaryMissing();
  const stored = byKey(summary.gates);
  const results = judgeLive(await readLiveInputs(dir));
  return [
    ...results.map((r) => compareGate(r.key, stored.get(r.key), r)),
    ...unexpected(stored, results.map((r) => r.key)),
    verdictRow(summary, results, "gates"),
    await summaryFileRow(dir, LIVE_SUMMARY, summary, LIVE_HEADER, results),
  ];
}
