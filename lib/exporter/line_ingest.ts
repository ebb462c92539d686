// The per-line glue between the splitter and the state: classify, then count. Kept tiny and
// monomorphic because it runs once per line; rejected lines are explained (zod) only when logged.
// Lines come as bytes (block): a line the flat scanner accepts is counted without ever becoming a
// string; only the others are decoded, then take the string path (line) as before.
import type { EventType } from "../events/ai_event.ts";
import { explainLine, LineClassifier, Rejected } from "./classify_line.ts";
import { lineDecoder, type LineSink } from "./line_splitter.ts";
import { ExporterState } from "./metrics_state.ts";

/** Told about a rejected line: its 1-based number in the input and the precise reason. */
export type RejectListener = (lineNo: number, reason: string, line: string) => void;

export class Ingest implements LineSink {
  readonly #classifier = new LineClassifier();
  readonly #dec = lineDecoder();
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

  block(b: Uint8Array, from: number, to: number): void {
    const c = this.#classifier, f = c.flat, state = this.state;
    let p = from;
    while (p < to) {
      let nl = c.classifyAt(b, p);
      if (nl < 0) {
        nl = b.indexOf(10, p);
        this.line(this.#dec.decode(b.subarray(p, nl)));
      } else {
        const v = c.verdict;
        if (v === undefined) {
          state.count(
            f.type as EventType,
            f.run as string,
            f.comp as string,
            f.src as string,
            f.lat as number | undefined,
            c.tsMs,
            c.sameIds,
          );
        } else {
          state.reject(v);
          if (this.#explainBudget > 0) this.#explain(this.#dec.decode(b.subarray(p, nl)));
        }
      }
      p = nl + 1;
    }
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
