import assert from "node:assert/strict";
import { bindHost, PORTS } from "../config/ports.ts";
import { localUrl, printProof } from "./proof_cli.ts";

Deno.test("printProof prints the summary without its trailing newline, then the folder; PASS exits 0, FAIL 1", () => {
  const lines: string[] = [];
  assert.equal(
    printProof({ summaryText: "a=1\nverdict=PASS\n", dir: "/d", verdict: "PASS" }, (l) => lines.push(l)),
    0,
  );
  assert.equal(
    printProof({ summaryText: "verdict=FAIL", dir: "/e", verdict: "FAIL" }, (l) => lines.push(l)),
    1,
  );
  assert.deepEqual(lines, ["a=1\nverdict=PASS", "evidence: /d", "verdict=FAIL", "evidence: /e"]);
});

Deno.test("localUrl: the contract port on the bind host", () => {
  assert.equal(localUrl("prometheus"), `http://${bindHost()}:${PORTS.prometheus}`);
  assert.equal(localUrl("ai_live"), `http://${bindHost()}:${PORTS.ai_live}`);
});
