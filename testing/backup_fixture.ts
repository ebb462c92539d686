// Sources for backup tests, made with the real components' own writers: a DuckDB store of bars (the
// feed's BarStore, Parquet partitions on), and a live loop state dir (the loop's EventLog, snapshot,
// kill switch file): run 1 ended cleanly with a snapshot inside it, run 2 crashed with a torn last line,
// as a loop killed mid-append leaves it.
import { join } from "node:path";
import type { ClosedBar } from "../lib/market/types.ts";
import { OmsBook } from "../lib/oms/book.ts";
import { runPath } from "../lib/oms/boot.ts";
import { EventLog } from "../lib/oms/event_log.ts";
import { REC } from "../lib/oms/records.ts";
import { saveSnapshot } from "../lib/oms/snapshot.ts";
import { BarStore } from "../lib/store/bar_store.ts";
import { ev, fillEv, intent, type Rec, U } from "./oms_records.ts";
import { killBar } from "./kill_writer.ts";

export interface BackupSourcesFixture {
  readonly root: string;
  readonly storePath: string;
  readonly parquetDir: string;
  readonly stateDir: string;
  readonly configDir: string;
  /** Env for ./tp backup / restore that points them at these (plus the feed's env file defaults). */
  readonly env: Record<string, string>;
}

export const fixtureBar = (i: number): ClosedBar => killBar(i);

/** Writes `bars` bars into a store at `<root>/feed.duckdb` (Parquet mirror under `<root>/parquet`). */
export async function writeStore(root: string, bars: number): Promise<void> {
  const store = await BarStore.open(join(root, "feed.duckdb"), { parquetDir: join(root, "parquet") });
  try {
    await store.upsertBars(Array.from({ length: bars }, (_, i) => fixtureBar(i)));
  } finally {
    await store.close();
  }
}

const RUN1: Rec[] = [
  intent("rs01-1", 1),
  ev("rs01-1", { kind: "submitted" }),
  ev("rs01-1", { kind: "accepted", venueOrderId: 11 }),
  fillEv("rs01-1", 1, U / 4),
];
const RUN2: Rec[] = [
  intent("rs01-2", 2, { side: "SELL", price: 130 * U }),
  ev("rs01-2", { kind: "submitted" }),
];

/** A state dir as a loop leaves it after a clean run and a crashed one (torn last line). */
export async function writeStateDir(dir: string): Promise<void> {
  const opts = { now: () => 1_700_000_000_000 };
  const book = new OmsBook();
  const log1 = await EventLog.create(runPath(dir, 1), opts);
  await log1.append(REC.runStart, { runId: "r1", tag: "rs01" });
  for (const r of RUN1) book.apply(await log1.append(r.type, r.data, r.corr ?? null));
  await saveSnapshot(dir, {
    run: 1,
    seq: log1.lastSeq,
    hash: log1.lastHash,
    savedAtMs: 1,
    book: book.toJSON(),
  });
  await log1.close({ open: [] });
  const log2 = await EventLog.create(runPath(dir, 2), opts);
  await log2.append(REC.runStart, { runId: "r2", tag: "rs01" });
  for (const r of RUN2) await log2.append(r.type, r.data, r.corr ?? null);
  log2.abandon();
  await Deno.writeTextFile(runPath(dir, 2), '{"seq":4,"type":"order_ev', { append: true });
  await Deno.writeTextFile(join(dir, "kill_switch.json"), '{"state":"ACTIVE"}\n');
}

/** Store, partitions, state dir and a config dir under a new temp folder. */
export async function backupSources(bars = 50): Promise<BackupSourcesFixture> {
  const root = await Deno.makeTempDir({ prefix: "tp_backup_src_" });
  await writeStore(root, bars);
  const stateDir = join(root, "live");
  await writeStateDir(stateDir);
  const configDir = join(root, "config");
  await Deno.mkdir(configDir);
  await Deno.writeTextFile(join(configDir, "ports.json"), '{"live_connector": 8000}\n');
  const storePath = join(root, "feed.duckdb"), parquetDir = join(root, "parquet");
  return {
    root,
    storePath,
    parquetDir,
    stateDir,
    configDir,
    env: { STORE_PATH: storePath, PARQUET_DIR: parquetDir, LIVE_STATE_DIR: stateDir },
  };
}
