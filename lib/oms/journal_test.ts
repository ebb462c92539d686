import assert from "node:assert/strict";
import { GatedFile } from "../../testing/gated_file.ts";
import { intent, newOrder, U } from "../../testing/oms_records.ts";
import { waitFor } from "../async/poll.ts";
import { OmsBook } from "./book.ts";
import { EventLog } from "./event_log.ts";
import { OmsJournal } from "./journal.ts";
import { appliesOnceWritten } from "./records.ts";
import { readLog } from "./log_record.ts";

const opts = { now: () => 42 };

function journal(book = new OmsBook(), hold = false) {
  const file = new GatedFile({ hold });
  return { j: new OmsJournal(book, new EventLog("mem", file, opts), "rs01"), file };
}

Deno.test("an intent is durable before it is in the book; ids come in order; events apply in log order", async () => {
  const { j, file } = journal(new OmsBook(), true);
  const ids = [j.nextClientOrderId(), j.nextClientOrderId(), j.nextClientOrderId()];
  assert.deepEqual(ids, [{ id: "rs01-1", counter: 1 }, { id: "rs01-2", counter: 2 }, {
    id: "rs01-3",
    counter: 3,
  }]);
  const pending = ids.map(({ id, counter }) => j.intent(newOrder(id), counter));
  await waitFor("the group's sync", () => file.waiting > 0, { everyMs: 1 });
  assert.equal(j.book.has("rs01-1"), false, "not in the book before its sync");
  file.release();
  const done = await Promise.all(pending);
  assert.deepEqual(done.map((d) => "record" in d && [d.record.seq, d.record.corr, d.result.ok]), [
    [1, "corr-rs01-1", true],
    [2, "corr-rs01-2", true],
    [3, "corr-rs01-3", true],
  ]);
  assert.equal(file.syncs, 1);
  const evs = ["rs01-1", "rs01-2", "rs01-3"].map((id) => j.event(id, { kind: "submitted" }));
  await waitFor("the second sync", () => file.waiting > 0, { everyMs: 1 });
  file.release();
  assert.deepEqual((await Promise.all(evs)).map((r) => [r.record.seq, r.record.corr]), [
    [4, "corr-rs01-1"],
    [5, "corr-rs01-2"],
    [6, "corr-rs01-3"],
  ]);
  const replayed = new OmsBook();
  for (const rec of readLog(file.bytes()).records) replayed.apply(rec);
  assert.deepEqual(replayed.toJSON(), j.book.toJSON());
  assert.equal(j.book.idCounter, 3);
  assert.deepEqual(j.applied, { seq: 6, hash: j.log.lastHash });
});

Deno.test("a duplicate client id is refused before anything is logged, also while the first is in flight", async () => {
  const { j, file } = journal(new OmsBook(), true);
  const first = j.intent(newOrder("rs01-1"), 1);
  const again = await j.intent(newOrder("rs01-1"), 1);
  assert.deepEqual(again, { refused: 'client id "rs01-1" is already used' });
  await waitFor("the sync", () => file.waiting > 0, { everyMs: 1 });
  file.release();
  assert.ok("record" in (await first));
  assert.deepEqual(await j.intent(newOrder("rs01-1"), 1), { refused: 'client id "rs01-1" is already used' });
  assert.deepEqual(await j.intent(newOrder("bad id"), 0), {
    refused: 'client id "bad id" is not ^[a-zA-Z0-9-_]{1,36}$',
  });
  assert.equal(j.log.lastSeq, 1, "only the first intent was logged");
});

Deno.test("the counter restarts past the booted book's counter and its adopted ids of the tag", () => {
  const book = new OmsBook();
  book.apply(intent("rs01-3", 3));
  book.apply({ type: "order_adopted", data: { order: newOrder("rs01-9"), venueOrderId: 1 } });
  const { j } = journal(book);
  assert.deepEqual(j.nextClientOrderId(), { id: "rs01-10", counter: 10 });
});

Deno.test("a failed log: the intent rejects and the book is unchanged", async () => {
  const { j, file } = journal();
  file.failNext = new Error("EIO");
  await assert.rejects(j.intent(newOrder("rs01-1", { quantity: U }), 1), /EIO/);
  assert.equal(j.book.has("rs01-1"), false);
  assert.equal(j.idProblem("rs01-1"), null, "the id was never used");
});

Deno.test("the send protocol's rule: an ack or a duplicate applies once written; intent, submitted, fills, ends wait for the sync", () => {
  const b = new OmsBook();
  b.apply(intent("rs01-1", 1));
  const base = { ...b.order("rs01-1")!, state: "ACCEPTED" as const, venueOrderId: 7 };
  const fill = {
    tradeId: 5,
    qty: 1,
    price: 1,
    quote: 1,
    commission: 0,
    commissionAsset: null,
    timeMs: 0,
    isMaker: true,
  };
  assert.equal(
    appliesOnceWritten({ ...base, state: "SUBMITTED", venueOrderId: null }, {
      kind: "accepted",
      venueOrderId: 7,
    }),
    true,
  );
  assert.equal(appliesOnceWritten(base, { kind: "accepted", venueOrderId: 7 }), true);
  assert.equal(appliesOnceWritten(base, { kind: "fill", fill }), false);
  assert.equal(appliesOnceWritten({ ...base, tradeIds: [5], filledQty: 1 }, { kind: "fill", fill }), true);
  assert.equal(appliesOnceWritten(base, { kind: "canceled" }), false);
  assert.equal(appliesOnceWritten({ ...base, state: "CANCELED" }, { kind: "canceled" }), true);
  assert.equal(
    appliesOnceWritten({ ...base, state: "INITIALIZED", venueOrderId: null }, { kind: "submitted" }),
    false,
  );
});

Deno.test("the journal applies the venue's ack once written (no sync of its own), a fill only once durable", async () => {
  const { j, file } = journal(new OmsBook(), true);
  const made = j.intent(newOrder("rs01-1"), 1);
  await waitFor("the intent's sync", () => file.waiting > 0, { everyMs: 1 });
  file.release();
  await made;
  const sub = j.event("rs01-1", { kind: "submitted" });
  await waitFor("the submitted's sync", () => file.waiting > 0, { everyMs: 1 });
  file.release();
  await sub;
  const ack = await j.event("rs01-1", { kind: "accepted", venueOrderId: 7 });
  assert.deepEqual([ack.result.ok, j.book.order("rs01-1")?.state, j.log.durableSeq, file.syncs], [
    true,
    "ACCEPTED",
    2,
    2,
  ]);
  const fill = {
    tradeId: 5,
    qty: 1,
    price: 1,
    quote: 1,
    commission: 0,
    commissionAsset: null,
    timeMs: 0,
    isMaker: true,
  };
  let filled = false;
  const f = j.event("rs01-1", { kind: "fill", fill }).then(() => filled = true);
  await waitFor("the fill's sync", () => file.waiting > 0, { everyMs: 1 });
  assert.deepEqual([filled, j.book.order("rs01-1")?.filledQty], [false, 0]);
  file.release();
  await f;
  assert.deepEqual([j.book.order("rs01-1")?.filledQty, j.log.durableSeq, file.syncs], [1, 4, 3]);
});
