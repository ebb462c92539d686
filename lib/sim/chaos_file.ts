// The runtime chaos control: a JSON file re-read every wall second. Missing file = no overrides;
// a broken file keeps the last good content and reports the error once (no crash, no silence).
import { type ChaosConfig, parseChaos } from "./chaos.ts";

export class ChaosFile {
  readonly path: string;
  lastError: string | null = null;
  #last: ChaosConfig | null = null;
  #lastText: string | null = null;

  constructor(path: string) {
    this.path = path;
  }

  read(onWarn?: (msg: string, fields: Record<string, unknown>) => void): ChaosConfig | null {
    let text: string;
    try {
      text = Deno.readTextFileSync(this.path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        this.#last = null;
        this.#lastText = null;
        this.lastError = null;
        return null;
      }
      return this.#fail(
        `Cannot read chaos file ${this.path}: ${err instanceof Error ? err.message : err}`,
        onWarn,
      );
    }
    if (text === this.#lastText) return this.#last;
    this.#lastText = text;
    if (text.trim() === "") {
      this.#last = null;
      this.lastError = null;
      return null;
    }
    try {
      this.#last = parseChaos(text, `file ${this.path}`);
      this.lastError = null;
    } catch (err) {
      return this.#fail(err instanceof Error ? err.message : String(err), onWarn);
    }
    return this.#last;
  }

  #fail(msg: string, onWarn?: (msg: string, fields: Record<string, unknown>) => void): ChaosConfig | null {
    if (msg !== this.lastError) onWarn?.("chaos file ignored, keeping the last good one", { error: msg });
    this.lastError = msg;
    return this.#last;
  }
}
