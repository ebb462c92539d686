// A small incremental Server-Sent Events parser (the WHATWG "event stream interpretation" rules) over
// text chunks that may split anywhere, including between a CR and its LF.

export interface SseEvent {
  /** `event:` field; "message" when the event named none. */
  readonly event: string;
  /** `data:` lines joined with "\n". */
  readonly data: string;
  /** The last event id in force when this event was dispatched ("" when none was ever set). */
  readonly id: string;
}

export class SseParser {
  #buf = "";
  #skipLf = false;
  #event = "";
  #data: string[] = [];
  #hasData = false;
  /** The stream's last event id; it survives across events, as the spec says. */
  lastEventId = "";
  /** Last `retry:` value in ms, if the server sent one. */
  retryMs: number | null = null;

  /** Feeds a chunk; returns the events completed by it, in order. */
  push(chunk: string): SseEvent[] {
    const out: SseEvent[] = [];
    let text = chunk;
    if (this.#skipLf && text.startsWith("\n")) text = text.slice(1);
    this.#skipLf = false;
    this.#buf += text;
    let start = 0;
    for (let i = 0; i < this.#buf.length; i++) {
      const c = this.#buf.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.#line(this.#buf.slice(start, i), out);
      if (c === 13) {
        if (i + 1 === this.#buf.length) this.#skipLf = true;
        else if (this.#buf.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    this.#buf = this.#buf.slice(start);
    return out;
  }

  #line(line: string, out: SseEvent[]): void {
    if (line === "") {
      if (this.#hasData) {
        out.push({ event: this.#event || "message", data: this.#data.join("\n"), id: this.lastEventId });
      }
      this.#event = "";
      this.#data = [];
      this.#hasData = false;
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ":" comment (keep-alive)
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case "event":
        this.#event = value;
        break;
      case "data":
        this.#data.push(value);
        this.#hasData = true;
        break;
      case "id":
        if (!value.includes("\0")) this.lastEventId = value;
        break;
      case "retry":
        if (/^\d+$/.test(value)) this.retryMs = Number(value);
        break;
    }
  }
}
