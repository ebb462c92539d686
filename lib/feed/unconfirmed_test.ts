import assert from "node:assert/strict";
import { type Ask, UnconfirmedBars } from "./unconfirmed.ts";

Deno.test("bars wait per stream until an ask settles them or their asks run out", async () => {
  const u = new UnconfirmedBars<string>(3);
  u.add("a", 60_000);
  u.add("a", 120_000);
  u.add("b", 60_000);
  u.add("a", 60_000); // already waiting: kept once
  assert.deepEqual([u.streams, u.bars], [2, 3]);
  const asked: string[] = [];
  const answers = new Map<string, Ask>([["a 60000", "settled"]]);
  const ask = (s: string, t: number) => {
    asked.push(`${s} ${t}`);
    return Promise.resolve(answers.get(`${s} ${t}`) ?? "failed");
  };
  await u.retry(ask);
  assert.deepEqual(asked, ["a 60000", "a 120000", "b 60000"]);
  assert.deepEqual([u.streams, u.bars], [2, 2]);
  await u.retry(ask); // second failed ask
  answers.set("b 60000", "settled");
  await u.retry(ask); // a 120000: third failed ask, out of asks; b settles
  assert.deepEqual([u.streams, u.bars], [0, 0]);
  assert.equal(asked.length, 7);
});

Deno.test("clear forgets every waiting bar (a new timeline)", () => {
  const u = new UnconfirmedBars<number>();
  u.add(1, 0);
  u.clear();
  assert.deepEqual([u.streams, u.bars], [0, 0]);
});
