import assert from "node:assert/strict";
import { resolveBusConfig } from "../bus/bus_config.ts";
import { MemoryBus } from "../bus/memory_bus.ts";
import { freePort } from "../http/free_port.ts";
import { EnvironmentError } from "../util/errors.ts";
import { resolveFeedConfig } from "./config.ts";
import { parseEnvFile } from "./env_file.ts";
import { openFeedBus } from "./feed_bus.ts";

const ENV_FILE = "config/env/live.env";
const fileEnv = () => parseEnvFile(Deno.readTextFileSync(ENV_FILE), ENV_FILE);
const quiet = () => {};

Deno.test("without BUS_URL the feed's config has no bus and no connection is attempted", async () => {
  const config = resolveFeedConfig(fileEnv(), { UNRELATED: "x" }, {}, ENV_FILE);
  assert.equal(config.bus.url, null);
  let opened = 0;
  const pub = await openFeedBus(config.bus, {
    log: quiet,
    open: () => {
      opened++;
      return Promise.resolve(new MemoryBus());
    },
  });
  assert.equal(pub, null);
  assert.equal(opened, 0);
});

Deno.test("BUS_URL from the env file or the process env; a bad value is one line naming the key", () => {
  const urls = "nats://127.0.0.1:4222, nats://127.0.0.1:4223";
  assert.equal(resolveFeedConfig({ ...fileEnv(), BUS_URL: urls }, {}, {}, ENV_FILE).bus.url, urls);
  const c = resolveFeedConfig(fileEnv(), { BUS_URL: urls, BUS_OUTBOX_CAPACITY: "50" }, {}, ENV_FILE);
  assert.equal(c.bus.url, urls);
  assert.equal(c.bus.outbox.capacity, 50);
  assert.throws(
    () => resolveFeedConfig(fileEnv(), { BUS_URL: "http://127.0.0.1:4222" }, {}, ENV_FILE),
    {
      name: "RangeError",
      message:
        'config config/env/live.env: BUS_URL must be nats://host:port[,nats://host:port...] (value: "http://127.0.0.1:4222")',
    },
  );
  assert.throws(
    () => resolveFeedConfig(fileEnv(), { BUS_URL: urls, BUS_OUTBOX_CAPACITY: "0" }, {}, ENV_FILE),
    { message: 'config config/env/live.env: BUS_OUTBOX_CAPACITY must be a whole number >= 1 (value: "0")' },
  );
});

Deno.test("with BUS_URL the bus is opened once with the config; one that does not answer is an EnvironmentError naming BUS_URL", async () => {
  const config = resolveBusConfig({ BUS_URL: "nats://127.0.0.1:4222" });
  const seen: string[] = [];
  const pub = await openFeedBus(config, {
    log: quiet,
    open: (c) => {
      seen.push(c.url!);
      return Promise.resolve(new MemoryBus({ config: c }));
    },
  });
  assert.ok(pub !== null);
  assert.deepEqual(seen, ["nats://127.0.0.1:4222"]);
  assert.equal(pub.stats().capacity, 10_000);
  await pub.close(100);
  // Nothing listens there (the real JetStream open).
  const url = `nats://127.0.0.1:${freePort()}`;
  await assert.rejects(
    () => openFeedBus(resolveBusConfig({ BUS_URL: url }), { log: quiet }),
    (err: Error) =>
      err instanceof EnvironmentError &&
      err.message.startsWith(`the market bus at BUS_URL=${url} did not answer`),
  );
});
