import assert from "node:assert/strict";
import { clientIdProblem, clientOrderId, counterOf, nextClientOrderId } from "./client_id.ts";

Deno.test("ids are tag-counter within Binance's charset and 36 characters", () => {
  assert.equal(clientOrderId("rs01-k3x9", 42), "rs01-k3x9-42");
  assert.throws(() => clientOrderId("rs 01", 1), /letters, digits, _ and - only/);
  assert.throws(() => clientOrderId("a-", 1), /letters, digits, _ and - only/);
  assert.throws(() => clientOrderId("rs01", 0), /a positive integer/);
  assert.throws(() => clientOrderId("rs01", 1.5), /a positive integer/);
  const tag = "a".repeat(24) + "-" + "b".repeat(8); // 33 characters
  assert.equal(clientOrderId(tag, 99), tag + "-99");
  assert.throws(() => clientOrderId(tag, 100), /"a{24}-b{8}-100": over 36 characters/);
});

Deno.test("the counter is restored past the state's counter and every id it knows", () => {
  assert.deepEqual(nextClientOrderId("rs01", 0, []), { id: "rs01-1", counter: 1 });
  assert.deepEqual(nextClientOrderId("rs01", 3, ["rs01-2", "rs01-7", "other-50", "rs01-x"]), {
    id: "rs01-8",
    counter: 8,
  });
  assert.equal(counterOf("rs01", "rs01-12"), 12);
  assert.equal(counterOf("rs01", "rs01-012"), null);
  assert.equal(counterOf("rs01", "rs011-2"), null);
});

Deno.test("a duplicate or malformed client id is refused before anything is sent", () => {
  const known = new Set(["rs01-1"]);
  assert.equal(clientIdProblem("rs01-2", known), null);
  assert.equal(clientIdProblem("rs01-1", known), 'client id "rs01-1" is already used');
  assert.equal(
    clientIdProblem("x".repeat(37), known),
    `client id "${"x".repeat(37)}" is not ^[a-zA-Z0-9-_]{1,36}$`,
  );
  assert.equal(clientIdProblem("a.b", known), 'client id "a.b" is not ^[a-zA-Z0-9-_]{1,36}$');
});
