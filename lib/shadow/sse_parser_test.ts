import assert from "node:assert/strict";
import { SseParser } from "./sse_parser.ts";

const STREAM = ": keep-alive\r\n" +
  'event: bar\r\nid: binance|BTC-USDT|1m|0\r\ndata: {"a":1}\r\n\r\n' +
  'event: heartbeat\ndata: {"feedOk":true}\n\n' +
  "data: line1\rdata: line2\r\r" +
  "retry: 1500\nevent: bar\ndata\n\n" +
  "id\nevent: x\n\n";

Deno.test("SseParser: same events whatever the chunking (CRLF split included), id persists", () => {
  const want = [
    { event: "bar", data: '{"a":1}', id: "binance|BTC-USDT|1m|0" },
    { event: "heartbeat", data: '{"feedOk":true}', id: "binance|BTC-USDT|1m|0" },
    { event: "message", data: "line1\nline2", id: "binance|BTC-USDT|1m|0" },
    { event: "bar", data: "", id: "binance|BTC-USDT|1m|0" },
  ];
  for (let size = 1; size <= STREAM.length; size++) {
    const p = new SseParser();
    const got = [];
    for (let i = 0; i < STREAM.length; i += size) got.push(...p.push(STREAM.slice(i, i + size)));
    assert.deepEqual(got, want, `chunk size ${size}`);
    assert.equal(p.retryMs, 1500);
    // "id" with no value resets the last event id; the event without data is not dispatched.
    assert.equal(p.lastEventId, "");
  }
});

Deno.test("SseParser keeps an unterminated event until its blank line arrives", () => {
  const p = new SseParser();
  assert.deepEqual(p.push("event: bar\ndata: 1\n"), []);
  assert.deepEqual(p.push("\n"), [{ event: "bar", data: "1", id: "" }]);
});
