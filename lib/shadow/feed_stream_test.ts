import assert from "node:assert/strict";
import { waitFor, withDeadline } from "../async/poll.ts";
import { FeedStream } from "./feed_stream.ts";

Deno.test("run ends on abort while a stream is open and silent, and while the server has not answered", async () => {
  const held: { answer?: () => void } = {}; // /hang: the server holds the request until the end
  const bodies: ReadableStreamDefaultController<Uint8Array>[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    if (new URL(req.url).pathname === "/hang") await new Promise<void>((r) => held.answer = r);
    const body = new ReadableStream<Uint8Array>({ start: (c) => void bodies.push(c) });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  });
  try {
    for (const path of ["/silent", "/hang"]) {
      let opened = 0;
      const s = new FeedStream({
        url: `http://127.0.0.1:${server.addr.port}${path}`,
        backoffBaseMs: 1,
        backoffMaxMs: 5,
      }, {
        onOpen: () => void opened++,
        onEvent() {},
        onClose() {},
      });
      const stop = new AbortController();
      const running = s.run(stop.signal);
      await waitFor(
        `${path}: connected or waiting on the server`,
        () => opened === 1 || held.answer !== undefined,
        {
          timeoutMs: 20_000,
          everyMs: 5,
        },
      );
      stop.abort();
      await withDeadline(`${path}: FeedStream.run to end after stop`, running, 20_000);
      assert.equal(s.reconnects, 0);
    }
  } finally {
    held.answer?.();
    for (const c of bodies) {
      try {
        c.close();
      } catch { /* already cancelled by the client's abort */ }
    }
    await withDeadline("the test server to shut down", server.shutdown(), 20_000);
  }
});
