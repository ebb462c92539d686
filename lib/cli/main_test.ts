import assert from "node:assert/strict";
import { intFlag, parseFlags, UsageError } from "./main.ts";

Deno.test("parseFlags returns typed values and rejects unknown flags with one line", () => {
  const spec = { help: "Usage: x", options: { port: { type: "string" } } } as const;
  const ok = parseFlags(["--port", "9110"], spec);
  assert.equal(ok?.values.port, "9110");
  assert.throws(
    () => parseFlags(["--nope"], spec),
    (e) => e instanceof UsageError && /--nope/.test(e.message),
  );
});

Deno.test("intFlag accepts whole numbers in range and names the flag otherwise", () => {
  assert.equal(intFlag("n", "42", 1), 42);
  assert.equal(intFlag("n", undefined, 7), 7);
  assert.throws(() => intFlag("n", "4.5", 1), /--n must be a whole number from 0/);
  assert.throws(() => intFlag("n", "0", 1, 1, 10), /from 1 to 10, got "0"/);
});
