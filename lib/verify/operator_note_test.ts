// What was seen: ops verify PASS with no feed at all, and the wrapper said PASS. Now the stack
// gates are part of the verdict and the note names the gates that failed, with their values.
import assert from "node:assert/strict";
import { evaluateGate } from "./gates.ts";
import { renderOperatorNote, wholeVerdict } from "./operator_note.ts";
import { type JudgedGate, stackPromGates } from "./stack_gates.ts";
import { componentsGate } from "./stack_judge.ts";

const empty = (promql: string) => ({ promql, raw: '{"status":"success"}', ok: true, samples: [] });

Deno.test("no feed: AI pack PASS, feed gates NO_DATA -> the wrapper verdict is FAIL naming those gates", () => {
  const feedGates: JudgedGate[] = stackPromGates(["binance"]).slice(0, 3).map((g) => ({
    result: evaluateGate(g, empty(g.promql)),
    raw: "",
  }));
  const statuses = [{
    name: "feed",
    port: 8000,
    state: "failed" as const,
    detail: "port 8000 is held by pid 42 (nc -l 8000), which does not answer /health",
  }];
  const gates = [componentsGate(statuses), ...feedGates];
  const verdict = wholeVerdict("PASS", "PASS", gates, true);
  assert.equal(verdict, "FAIL");
  const note = renderOperatorNote({
    started: 0,
    verdict,
    activity: { verdict: "PASS", dir: "a" },
    ops: { verdict: "PASS", dir: "o", summaryText: "failed_gates=none\nverdict=PASS\n" },
    stackGates: gates,
    scanClean: true,
    flow: { feed_bars_closed: null },
    statuses,
  });
  assert.match(note, /^VERDICT: FAIL$/m);
  assert.match(
    note,
    /^ {2}stack gates: {3}FAIL {3}failed gates: stack_components,feed_up,feed_bars_closed_binance,feed_trades_binance {3}/m,
  );
  assert.match(note, /^ {2}feed_up\s+NO_DATA \(want =1, got NO_DATA; empty result\)$/m);
  assert.match(
    note,
    /^ {2}stack_components\s+FAIL\s+\(want =1, got 0; feed :8000 failed: port 8000 is held by pid 42 \(nc -l 8000\)/m,
  );
  assert.equal(wholeVerdict("PASS", "PASS", [], true), "FAIL", "no stack gates is never a pass");
});
