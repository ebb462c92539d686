// backtest: the run judged again from the folder alone (the bars it ran over, bars.tsv; with --parity the
// loop's paper orders and fills it matched, paper_orders.json; the settings in run.json) through the same
// pure code the command runs (lib/verify/backtest_judgement.ts), so every number must come out to the bit.
// Then each summary value, gate, the verdict, the unfilled decisions, the trade, equity and parity files
// and the text summary are held to what the folder says, each row naming the value or the file's line.
import { BACKTEST_FILES } from "../evidence/gate_sources.ts";
import type { ClosedBar } from "../market/types.ts";
import { BACKTEST_SUMMARY } from "../verify/backtest_judge.ts";
import { type BacktestJudgement, judgeBacktest } from "../verify/backtest_judgement.ts";
import { type BacktestSettings, parseBacktestRunConfig } from "../verify/backtest_settings.ts";
import { parseBarsTsv } from "../verify/bars_tsv.ts";
import { renderSummary } from "../verify/gates.ts";
import type { PaperLog } from "../verify/paper_orders.ts";
import { parsePaperOrdersJson } from "../verify/paper_orders_json.ts";
import {
  byKey,
  type CheckRow,
  compareGate,
  problem,
  readJson,
  readSummaryBody,
  readText,
  row,
  unexpected,
} from "./rows.ts";
import { summaryMissing, summaryTextRow, verdictRow } from "./summary_rows.ts";

const F = BACKTEST_FILES;
const BASIS = { basis: "the backtest recomputed from the folder" };
/** summary.json keys besides the header's. */
const OWN_KEYS = ["gates", "unfilled", "verdict"];

/** The bars as the run read them: in time order, each once, inside the range run.json names. */
function readBars(text: string, s: BacktestSettings): ClosedBar[] {
  const bars = parseBarsTsv(text, F.bars).map((b) => ({
    ...b,
    venue: s.venue,
    symbol: s.symbol,
    interval: s.interval,
  }));
  if (bars.length === 0) throw new RangeError(`${F.bars} holds no bar`);
  bars.forEach((b, i) => {
    const t = b.openTimeMs;
    const bad = (why: string) => new RangeError(`${F.bars} line ${i + 2}: open time ${t} ${why}`);
    if (i > 0 && t <= bars[i - 1].openTimeMs) throw bad("is not after the previous bar's");
    if ((s.fromMs !== null && t < s.fromMs) || (s.toMs !== null && t >= s.toMs)) {
      throw bad("is outside the range in run.json");
    }
  });
  return bars;
}

type Read<T> = { readonly value: T } | { readonly problem: CheckRow };

/** A raw input file parsed, or the row saying it is missing or unreadable. */
async function readRaw<T>(dir: string, file: string, parse: (text: string) => T): Promise<Read<T>> {
  const text = await readText(dir, file);
  if (text === null) return { problem: problem(`raw ${file}`, "-", "-", `raw answer ${file} missing`) };
  try {
    return { value: parse(text) };
  } catch (err) {
    return { problem: problem(`raw ${file}`, "unreadable", "-", (err as Error).message) };
  }
}

async function readInputs(
  dir: string,
  s: BacktestSettings,
): Promise<Read<{ bars: ClosedBar[]; log: PaperLog | null }>> {
  const bars = await readRaw(dir, F.bars, (t) => readBars(t, s));
  if ("problem" in bars) return bars;
  if (s.parityStateDir === null) return { value: { bars: bars.value, log: null } };
  const log = await readRaw(dir, F.paperOrders, parsePaperOrdersJson);
  return "problem" in log ? log : { value: { bars: bars.value, log: log.value } };
}

/** Each header value of summary.json against the recomputed one; keys no run writes are named too. */
function valueRows(summary: Record<string, unknown>, j: BacktestJudgement): CheckRow[] {
  const rows = Object.entries(j.header).map(([k, v]) => {
    const stored = k in summary ? String(summary[k]) : "(absent)";
    return row(`summary.json ${k}`, stored, v, `${k}: recomputed from the folder's inputs differs`);
  });
  const extra = Object.keys(summary).filter((k) => !(k in j.header) && !OWN_KEYS.includes(k));
  const unfilled = (u: unknown) => JSON.stringify(u ?? null);
  return [
    ...rows,
    ...extra.map((k) =>
      problem(`summary.json ${k}`, String(summary[k]), "(absent)", `${k}: not a key of a backtest summary`)
    ),
    row(
      "summary.json unfilled",
      unfilled(summary.unfilled),
      unfilled(j.run.unfilled),
      "unfilled: the decisions left without a fill differ from the recomputed run",
    ),
  ];
}

/** The files rendered from the run; parity's and paper_orders.json must be absent when the run wrote none. */
async function fileRows(dir: string, s: BacktestSettings, j: BacktestJudgement): Promise<CheckRow[]> {
  const out: CheckRow[] = [];
  for (const [file, text] of j.files) out.push(summaryTextRow(file, await readText(dir, file), text, BASIS));
  const absent = [F.parity, F.parityBars, ...(s.parityStateDir === null ? [F.paperOrders] : [])];
  for (const file of absent.filter((f) => !j.files.has(f))) {
    if (await readText(dir, file) !== null) {
      out.push(problem(file, "present", "absent", `${file}: a run with these settings writes none`));
    }
  }
  return out;
}

export async function recomputeBacktest(dir: string): Promise<CheckRow[]> {
  const summary = await readJson(dir, "summary.json");
  if (!summary) return summaryMissing();
  let s: BacktestSettings;
  try {
    s = parseBacktestRunConfig((await readJson(dir, "run.json"))?.config);
  } catch (err) {
    return [problem("settings", "run.json", "unusable", (err as Error).message)];
  }
  const inputs = await readInputs(dir, s);
  if ("problem" in inputs) return [inputs.problem];
  let j: BacktestJudgement;
  try {
    j = judgeBacktest(s, inputs.value.bars, inputs.value.log);
  } catch (err) {
    return [problem("backtest", "-", "unjudgeable", (err as Error).message)];
  }
  const stored = byKey(summary.gates);
  return [
    ...valueRows(summary, j),
    ...j.gates.map((g) => compareGate(g.key, stored.get(g.key), g)),
    ...unexpected(stored, j.gates.map((g) => g.key)),
    verdictRow(summary, j.gates, "gates"),
    ...await fileRows(dir, s, j),
    summaryTextRow(
      BACKTEST_SUMMARY,
      await readSummaryBody(dir, BACKTEST_SUMMARY),
      renderSummary(j.header, j.gates),
      BASIS,
    ),
  ];
}
