import assert from "node:assert/strict";
import { ConfigError } from "../util/errors.ts";
import { resolveWriterConfig } from "./config.ts";

const PG = "postgres://u:secret@127.0.0.1:5432/db";

Deno.test("writer config: defaults, env values, and one ConfigError line per bad key", () => {
  const c = resolveWriterConfig({ BUS_URL: "nats://127.0.0.1:4222", STORE_URL: PG });
  assert.deepEqual([c.bus.url, c.storeUrl, c.consumer, c.batchSize, c.batchWaitMs, c.port], [
    "nats://127.0.0.1:4222",
    PG,
    "store-writer",
    2000,
    200,
    9130,
  ]);
  const d = resolveWriterConfig({
    BUS_URL: "nats://a:1,nats://b:2",
    STORE_URL: PG,
    STORE_WRITER_CONSUMER: "w2",
    STORE_WRITER_BATCH_SIZE: "10",
    STORE_WRITER_BATCH_WAIT_MS: "0",
    STORE_WRITER_PORT: "0",
  });
  assert.deepEqual([d.consumer, d.batchSize, d.batchWaitMs, d.port], ["w2", 10, 0, 0]);
  const refuses = (env: Record<string, string>, msg: string) =>
    assert.throws(() => resolveWriterConfig({ BUS_URL: "nats://h:1", STORE_URL: PG, ...env }), (e: Error) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.message, msg);
      return true;
    });
  refuses(
    { BUS_URL: "" },
    "BUS_URL is not set: the store writer reads bars from JetStream (nats://host:port)",
  );
  refuses(
    { STORE_URL: "" },
    'STORE_URL must be postgres://user:password@host:port/db for the store writer (value: "unset")',
  );
  refuses(
    { STORE_URL: "duckdb:data/feed.duckdb" },
    'STORE_URL must be postgres://user:password@host:port/db for the store writer (value: "duckdb:data/feed.duckdb")',
  );
  refuses(
    { STORE_WRITER_BATCH_SIZE: "0" },
    'STORE_WRITER_BATCH_SIZE must be a whole number from 1 to 100000 (value: "0")',
  );
});
