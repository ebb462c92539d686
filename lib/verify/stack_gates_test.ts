// Ports held by something that is not the expected component are named with their holder, never
// skipped; HTTP gates judge status and body. Real sockets on free loopback ports.
import assert from "node:assert/strict";
import { listeningInodes, portHolder } from "../proc/port_holder.ts";
import { conflictText, portConflicts } from "./preflight.ts";
import { startStack } from "./stack.ts";
import { HTTP_BODY_OK, httpGate } from "./stack_gates.ts";
import { componentsGate } from "./stack_judge.ts";

/** A TCP listener that never accepts: connections hang, HTTP never answers. */
function silentListener(): { port: number; close(): void } {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  return { port: (l.addr as Deno.NetAddr).port, close: () => l.close() };
}

Deno.test("listeningInodes: only LISTEN (0A) rows of the port", () => {
  const table = [
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
    "   0: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 111 1",
    "   1: 0100007F:1F40 0100007F:A000 01 00000000:00000000 00:00000000 00000000  1000        0 222 1",
    "   2: 0100007F:1F41 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 333 1",
  ].join("\n");
  assert.deepEqual(listeningInodes(table, 8000), ["111"]);
  assert.deepEqual(listeningInodes(table, 8002), []);
});

Deno.test("portHolder names this process for a port it listens on", async () => {
  const l = silentListener();
  try {
    assert.equal((await portHolder(l.port)).pid, Deno.pid);
  } finally {
    l.close();
  }
});

Deno.test("preflight: a port held by a process that never answers HTTP is a conflict naming port and holder", async () => {
  const l = silentListener();
  try {
    const conflicts = await portConflicts("127.0.0.1", [{
      name: "feed",
      port: l.port,
      probePath: "/health",
    }]);
    assert.equal(conflicts.length, 1);
    assert.match(
      conflictText("127.0.0.1", conflicts),
      new RegExp(
        `^port ${l.port} \\(feed\\) on 127\\.0\\.0\\.1 is held by pid ${Deno.pid} \\(.*\\), which does not answer /health; `,
      ),
    );
  } finally {
    l.close();
  }
});

Deno.test("startStack: a port taken after the preflight is a failed component naming port and holder; its gate FAILs", async () => {
  const l = silentListener();
  const lines: string[] = [];
  try {
    const { statuses, children } = await startStack(
      { workDir: "/nonexistent", logDir: "/nonexistent", eventsFile: "/nonexistent", runId: "t" },
      (s) => lines.push(s),
      [{
        name: "feed",
        port: l.port,
        probePath: "/health",
        entry: "scripts/feed.ts",
        args: () => [],
        startTimeoutMs: 1000,
      }],
    );
    assert.deepEqual(children, []);
    assert.equal(statuses[0].state, "failed");
    assert.match(statuses[0].detail, new RegExp(`^port ${l.port} is held by pid ${Deno.pid} `));
    assert.match(lines[0], new RegExp(`^feed: FAIL: port ${l.port} is held by pid ${Deno.pid} `));
    const gate = componentsGate(statuses).result;
    assert.equal(gate.status, "FAIL");
    assert.equal(gate.value, 0);
    assert.match(
      gate.detail,
      new RegExp(`^feed :${l.port} failed: port ${l.port} is held by pid ${Deno.pid}`),
    );
  } finally {
    l.close();
  }
});

Deno.test("httpGate: 2xx with the expected body passes; another status fails with it; no answer is ERROR", async () => {
  const ctrl = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ctrl.signal, onListen: () => {} },
    (req) =>
      new URL(req.url).pathname === "/"
        ? new Response("<html>ok</html>")
        : new Response("starting", { status: 503 }),
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    const page = await httpGate("web_page", `${base}/`, (b) => /<html/.test(b));
    assert.deepEqual([page.result.status, page.result.value], ["PASS", 200]);
    assert.match(page.raw, /^HTTP 200 OK\n<html>ok<\/html>$/);
    const ready = await httpGate("alertmanager_ready", `${base}/-/ready`, () => true);
    assert.deepEqual([ready.result.status, ready.result.value], ["FAIL", 503]);
    const wrong = await httpGate("web_page", `${base}/`, (b) => b.includes("nope"));
    assert.equal(wrong.result.detail, "answered 2xx but not the expected body");
  } finally {
    ctrl.abort();
    await server.finished;
  }
  const gone = await httpGate("web_page", `${base}/`, () => true);
  assert.equal(gone.result.status, "ERROR");
  assert.equal(gone.result.value, null);
});

Deno.test("startStack: a port already answering the health path is used, and its holder is named", async () => {
  const ctrl = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ctrl.signal, onListen: () => {} },
    () => new Response("ok"),
  );
  try {
    const port = server.addr.port;
    const { statuses, children } = await startStack(
      { workDir: "/nonexistent", logDir: "/nonexistent", eventsFile: "/nonexistent", runId: "t" },
      () => {},
      [{
        name: "web",
        port,
        probePath: "/health",
        entry: "scripts/web.ts",
        args: () => [],
        startTimeoutMs: 1000,
      }],
    );
    assert.deepEqual(children, []);
    assert.equal(statuses[0].state, "already_running");
    assert.match(
      statuses[0].detail,
      new RegExp(`^answering http://127\\.0\\.0\\.1:${port}/health; held by pid ${Deno.pid} `),
    );
    assert.equal(componentsGate(statuses).result.status, "PASS");
  } finally {
    ctrl.abort();
    await server.finished;
  }
});

Deno.test("live_loop_ready: 200 ready with reconciliation ok and the kill switch ACTIVE passes; anything less fails", async () => {
  const ready = {
    status: "ready",
    components: { reconciliation: { status: "ok" }, risk_manager: { kill_switch: "ACTIVE" } },
  };
  let body: unknown = ready;
  let status = 200;
  const ctrl = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ctrl.signal, onListen: () => {} },
    () => Response.json(body, { status }),
  );
  const url = `http://127.0.0.1:${server.addr.port}/health`;
  const judge = async () => {
    const g = (await httpGate("live_loop_ready", url, HTTP_BODY_OK.live_loop_ready)).result;
    return [g.status, g.value, g.detail];
  };
  try {
    assert.deepEqual(await judge(), ["PASS", 200, ""]);
    body = { ...ready, components: { ...ready.components, risk_manager: { kill_switch: "HALTED" } } };
    assert.deepEqual(await judge(), ["FAIL", 200, "answered 2xx but not the expected body"]);
    body = { ...ready, components: { ...ready.components, reconciliation: { status: "pending" } } };
    assert.deepEqual(await judge(), ["FAIL", 200, "answered 2xx but not the expected body"]);
    [body, status] = [{ status: "not_ready" }, 503];
    assert.deepEqual(await judge(), ["FAIL", 503, ""]);
  } finally {
    ctrl.abort();
    await server.finished;
  }
});

Deno.test("startStack: a component whose prepare step fails is a failed component saying why, never started", async () => {
  const lines: string[] = [];
  const { statuses, children } = await startStack(
    { workDir: "/nonexistent", logDir: "/nonexistent", eventsFile: "/nonexistent", runId: "t" },
    (s) => lines.push(s),
    [{
      name: "live",
      port: 1,
      probePath: "/metrics",
      entry: "scripts/live.ts",
      prepare: () => Promise.reject(new Error("no keys file")),
      args: () => [],
      startTimeoutMs: 1000,
    }],
  );
  assert.deepEqual(children, []);
  assert.deepEqual(statuses, [
    { name: "live", port: 1, state: "failed", detail: "could not prepare its start: no keys file" },
  ]);
  assert.deepEqual(lines, ["live: FAIL: could not prepare its start: no keys file; not starting it"]);
});
