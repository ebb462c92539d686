import assert from "node:assert/strict";
import { join } from "node:path";
import { Recorder } from "./recorder.ts";
import { readLine } from "./replay_input.ts";

Deno.test("the recorder appends one JSON line per frame that replay reads back; a closed one ignores writes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "recorder_test_" });
  try {
    const path = join(dir, "frames.jsonl");
    await Deno.writeTextFile(path, '{"older":"line"}\n');
    const r = Recorder.open(path);
    r.write("binance", "c1", 1700000000123, '{"e":"trade","s":"BTCUSDT"}');
    r.write("okx", "c2", 1700000000456, "pong");
    r.close();
    r.write("okx", "c2", 1, "after close");
    r.close();
    assert.deepEqual([r.lines, r.errors], [2, 0]);
    const text = await Deno.readTextFile(path);
    assert.equal(
      text,
      '{"older":"line"}\n' +
        '{"venue":"binance","conn":"c1","receivedAtMs":1700000000123,"frame":"{\\"e\\":\\"trade\\",\\"s\\":\\"BTCUSDT\\"}"}\n' +
        '{"venue":"okx","conn":"c2","receivedAtMs":1700000000456,"frame":"pong"}\n',
    );
    assert.deepEqual(readLine(text.split("\n")[1]), {
      raw: '{"e":"trade","s":"BTCUSDT"}',
      receivedAtMs: 1700000000123,
      feedRecording: true,
      venue: "binance",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a recorder that cannot open its file says which", () => {
  assert.throws(
    () => Recorder.open("/nonexistent_dir_for_recorder_test/x.jsonl"),
    /Cannot open \/nonexistent/,
  );
});
