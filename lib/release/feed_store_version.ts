// `./tp version --data` while the feed runs: DuckDB lets no other process open the store the feed writes,
// so the store's schema version is asked of that feed instead, from its GET /health (store.schemaVersion,
// read when it opened and migrated the store; nothing migrates a store while its feed runs). Only a feed
// that names this same store file answers for it; otherwise the version stays unread, saying why.
import { resolve } from "node:path";
import { z } from "zod";
import { type DataVersion, versionOf } from "./data_versions.ts";

const FeedHealthSchema = z.object({
  store: z.object({ path: z.string(), schemaVersion: z.int().positive().nullable() }),
});

/** `d` as read from the file; when the file is locked, the version the feed at `feedUrl` reports. */
export async function withFeedStoreVersion(
  d: DataVersion,
  feedUrl: string,
  code: number,
  f: typeof fetch = fetch,
): Promise<DataVersion> {
  if (d.status !== "locked") return d;
  const url = `${feedUrl}/health`;
  const unread = (why: string): DataVersion => ({ ...d, detail: `${d.detail}; and ${url}: ${why}` });
  let body: unknown;
  try {
    const res = await f(url, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) {
      await res.body?.cancel();
      return unread(`HTTP ${res.status}`);
    }
    body = await res.json();
  } catch (err) {
    return unread(`no answer (${err instanceof Error ? err.message : String(err)})`);
  }
  const h = FeedHealthSchema.safeParse(body);
  if (!h.success) return unread("no store.schemaVersion in its answer (a feed of an older release)");
  const { path, schemaVersion } = h.data.store;
  if (resolve(path) !== resolve(d.path)) return unread(`that feed writes ${path}, not this store`);
  if (schemaVersion === null) return unread("that feed has no schema version for its store");
  // The feed opened the store through prepareStore, which marks it: no "unmarked" case here.
  return {
    ...versionOf(d.path, schemaVersion, code, true, []),
    source: `the running feed (GET ${url}), which holds the store's lock`,
  };
}
