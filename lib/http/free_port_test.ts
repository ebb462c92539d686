import assert from "node:assert/strict";
import { freePort } from "./free_port.ts";

Deno.test("freePort: never the same port twice in one process, each one free to bind", () => {
  const ports = Array.from({ length: 200 }, () => freePort());
  assert.equal(new Set(ports).size, ports.length);
  const l = Deno.listen({ hostname: "127.0.0.1", port: ports[199] });
  l.close();
});
