import assert from "node:assert/strict";
import { instantQuery, parseQueryAnswer } from "./client.ts";

const BODIES = [
  '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"a"},"value":[1,"3"]}]}}',
  '{"status":"success","data":{"resultType":"scalar","result":[1,"NaN"]}}',
  '{"status":"success","data":{"resultType":"vector","result":[]}}',
  '{"status":"error","errorType":"bad_data","error":"parse error"}',
  "Service Unavailable",
];

Deno.test("parseQueryAnswer: samples, scalars, empty, API errors and non-JSON bodies", () => {
  assert.deepEqual(parseQueryAnswer(BODIES[0], "up").samples, [{ metric: { job: "a" }, value: 3 }]);
  assert.ok(Number.isNaN(parseQueryAnswer(BODIES[1]).samples[0].value));
  assert.deepEqual(parseQueryAnswer(BODIES[2]), { promql: "", raw: BODIES[2], ok: true, samples: [] });
  assert.equal(parseQueryAnswer(BODIES[3]).error, "bad_data: parse error");
  assert.equal(parseQueryAnswer(BODIES[4]).ok, false);
});

Deno.test("parseQueryAnswer: a range selector's matrix keeps every point, the newest as the value", () => {
  const raw = '{"status":"success","data":{"resultType":"matrix","result":[' +
    '{"metric":{"job":"live_loop"},"values":[[1764633600,"10000"],[1764633630,"9990.5"]]},' +
    '{"metric":{"job":"x"},"values":[]}]}}';
  assert.deepEqual(parseQueryAnswer(raw, "live_loop_equity[1d:30s]").samples, [
    { metric: { job: "live_loop" }, value: 9990.5, values: [[1764633600, 10000], [1764633630, 9990.5]] },
    { metric: { job: "x" }, value: NaN, values: [] },
  ]);
});

Deno.test("instantQuery judges a live answer exactly as parseQueryAnswer judges the stored body", async () => {
  let i = 0;
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    () => new Response(BODIES[i]),
  );
  try {
    for (i = 0; i < BODIES.length; i++) {
      const live = await instantQuery(`http://127.0.0.1:${server.addr.port}`, "up");
      assert.deepEqual(live, parseQueryAnswer(live.raw, "up"));
      assert.equal(live.raw, BODIES[i]);
    }
  } finally {
    await server.shutdown();
  }
});

Deno.test("instantQuery asks for the evaluation time it is given, else leaves it to Prometheus", async () => {
  const asked: (string | null)[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, (req) => {
    asked.push(new URL(req.url).searchParams.get("time"));
    return new Response(BODIES[0]);
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}`;
    await instantQuery(url, "up");
    await instantQuery(url, "up", fetch, { atMs: 1_764_676_800_250 });
    assert.deepEqual(asked, [null, "1764676800.25"]);
  } finally {
    await server.shutdown();
  }
});
