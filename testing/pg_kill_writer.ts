// Child process for lib/store/pg_bar_store_test.ts: opens the PostgreSQL store at argv[0] and writes a
// batch with its stream position (consumer argv[1], seq argv[2]); inside the transaction, after the
// writes and before COMMIT, it prints "in-tx" and waits forever. The test SIGKILLs it there.
import { contractBar } from "./bar_store_contract.ts";
import { PgBarStore } from "../lib/store/pg_bar_store.ts";

if (import.meta.main) {
  const [url, consumer, seq] = Deno.args;
  const store = await PgBarStore.open(url, {
    beforeCommit: async () => {
      await Deno.stdout.write(new TextEncoder().encode("in-tx\n"));
      await new Promise(() => {}); // held open until killed
    },
  });
  await store.upsertBarsAt([0, 1, 2].map((i) => contractBar(i)), { consumer, seq: Number(seq) });
}
