// Child process for tests/store_writer_test.ts: the store writer (lib/store_writer/run.ts) on the bus at
// argv[1] and the PostgreSQL store at argv[0], consumer argv[2], batches of argv[3] bars; inside its
// transaction number argv[4] (after the writes, before COMMIT) it prints "in-tx" and waits forever. The
// test SIGKILLs it there: the writer killed -9 mid-batch.
import { jsonLogger } from "../lib/log.ts";
import { resolveWriterConfig } from "../lib/store_writer/config.ts";
import { runStoreWriter } from "../lib/store_writer/run.ts";

if (import.meta.main) {
  const [storeUrl, busUrl, consumer, batchSize, killAt] = Deno.args;
  const config = resolveWriterConfig({
    BUS_URL: busUrl,
    STORE_URL: storeUrl,
    STORE_WRITER_CONSUMER: consumer,
    STORE_WRITER_BATCH_SIZE: batchSize,
    // Long enough that every batch but the last is full: the kill lands on a known batch.
    STORE_WRITER_BATCH_WAIT_MS: "10000",
    STORE_WRITER_PORT: "0",
  });
  let commits = 0;
  await runStoreWriter(config, {
    log: jsonLogger("store_writer"),
    signal: new AbortController().signal,
    store: {
      beforeCommit: async () => {
        if (++commits < Number(killAt)) return;
        await Deno.stdout.write(new TextEncoder().encode("in-tx\n"));
        await new Promise(() => {}); // held open until killed
      },
    },
  });
}
