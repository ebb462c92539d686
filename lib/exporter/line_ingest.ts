// The per-line glue between the splitter and the state: classify, then count. Kept tiny and
// monomorphic because it runs once per line; rejected lines are explained (zod) only when logged.
import { explainLine, LineClassifier, Rejected } from "./classify_line.ts";
import type { LineSink } from "./line_splitter.ts";
import { ExporterState } from "./metrics_state.ts";

/** Told about a rejected line: its 1-based number in the input and the precise reason. */
export type RejectListener = (lineNo: number, reason: string, line: string) => void;

export class Ingest implements LineSink {
  readonly #classifier = new LineClassifier();
  #explainBudget: number;

  /**
   * @param state where counts go
   * @param onReject called for the first `explainLimit` rejected lines (default 20) with the reason
   */
  constructor(
    readonly state: ExporterState,
    readonly onReject?: RejectListener,
    explainLimit = 20,
  ) {
    this.#explainBudget = onReject ? explainLimit : 0;
  }

  line(text: string, bytes?: Uint8Array, at?: number): void {
    const c = this.#classifier;
    const r = c.classify(text, bytes, at);
    if (r instanceof Rejected) {
      this.state.reject(r);
      if (this.#explainBudget > 0) this.#explain(text);
    } else this.state.apply(r, c.tsMs, c.sameIds);
  }

  reject(r: Rejected | "truncated"): void {
    this.state.reject(r);
    if (this.#explainBudget > 0) {
      this.#explainBudget--;
      const why = r === "truncated" ? "partial line lost to a file truncation" : "line is too long";
      this.onReject!(this.state.lines, why, "");
    }
  }

  #explain(text: string): void {
    this.#explainBudget--;
    this.onReject!(this.state.lines, explainLine(text), text.length > 200 ? text.slice(0, 200) + "…" : text);
  }
}
