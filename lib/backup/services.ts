// Whether the services that own the restored data still run: a restore into place must never swap a
// store or a state dir out from under the process writing it. The store's DuckDB lock names its
// holder (the feed, or anything else that opened it); the feed's and the loop's ports say whether
// they answer (the loop holds no lock on its state dir, so its port is what tells).
import { describeHolder, portHolder } from "../proc/port_holder.ts";
import { portTaken } from "../proc/child.ts";
import { openStoreReadOnly, StoreLockedError } from "../store/read_only.ts";

export interface ServiceProbe {
  readonly storePath: string;
  readonly host: string;
  readonly feedPort: number;
  readonly loopPort: number;
}

/** One phrase per sign of a running service (empty: none runs). */
export async function runningServices(p: ServiceProbe): Promise<string[]> {
  const found: string[] = [];
  try {
    (await openStoreReadOnly(p.storePath, { threads: 1 })).closeSync();
  } catch (err) {
    // A missing store is nothing running; any other failure to open is not ours to judge here.
    if (err instanceof StoreLockedError) {
      found.push(`${err.pid === null ? "a process" : `pid ${err.pid}`} holds the store ${p.storePath}`);
    }
  }
  for (const [what, port] of [["feed", p.feedPort], ["live loop", p.loopPort]] as const) {
    if (await portTaken(p.host, port)) {
      found.push(`port ${port} (${what}) is held by ${describeHolder(await portHolder(port))}`);
    }
  }
  return found;
}
