// The SSE hub with corrections: a re-published bar keeps its key as the event id, live subscribers
// get it again, and Last-Event-ID resumes never lose a correction nor a bar published after.
import assert from "node:assert/strict";
import type { ClosedBar } from "../market/types.ts";
import { FeatureStream } from "../features/feature_stage.ts";
import { loadReferencePair, releasedBar } from "../../testing/reference_fixture.ts";
import { barEventId, BarStreamHub } from "./bar_stream.ts";

const { bars } = await loadReferencePair();
const s = new FeatureStream();
const [x, y, z] = bars.slice(0, 3).map((b) => s.close(releasedBar(b)));
const fixedX: ClosedBar = { ...x, c: x.c + 1, origin: "backfill" };
const health = () => ({ feedOk: true, nowMs: 0, stale: [] });

/** The first `count` bar events a new subscriber sees (after `publish` runs), as "id@close". */
async function read(hub: BarStreamHub, lastId: string | null, count: number, publish = () => {}) {
  const headers: Record<string, string> = lastId ? { "last-event-id": lastId } : {};
  const res = hub.handle(new Request("http://x/stream/bars", { headers }), health);
  publish();
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const got: string[] = [];
  let text = "";
  while (got.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
    const frames = text.split("\n\n");
    text = frames.pop()!;
    for (const f of frames) {
      if (!f.includes("event: bar")) continue;
      const id = f.match(/^id: (.*)$/m)![1];
      got.push(`${id}@${JSON.parse(f.match(/^data: (.*)$/m)![1]).c}`);
    }
  }
  await reader.cancel();
  return got;
}

Deno.test("BarStreamHub: a correction goes out again under the same id; resumes replay it and what followed", async () => {
  const hub = new BarStreamHub();
  const live = await read(hub, null, 4, () => [x, y, z, fixedX].forEach((b) => hub.publish(b)));
  const tag = (b: ClosedBar) => `${barEventId(b)}@${b.c}`;
  assert.deepEqual(live, [x, y, z, fixedX].map(tag));
  assert.equal(barEventId(fixedX), barEventId(x));
  // Saw only the original x: gets y, z and the correction.
  assert.deepEqual(await read(hub, barEventId(x), 3), [y, z, fixedX].map(tag));
  // Saw z: gets the correction of x.
  assert.deepEqual(await read(hub, barEventId(z), 1), [fixedX].map(tag));
  assert.equal(hub.published, 4);
  hub.close();
});
