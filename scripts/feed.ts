#!/usr/bin/env -S deno run -A
// task feed: the LiveFeed service (job live_connector, :8000): venues -> bars -> features -> the store
// (DuckDB, or PostgreSQL with STORE_URL), /metrics, /health, /api/bars, /stream/bars.
import { EXIT, intFlag, parseFlags, run, shutdownSignal, untilAborted } from "../lib/cli/main.ts";
import { bindHost, PORTS } from "../lib/config/ports.ts";
import { jsonLogger } from "../lib/log.ts";
import { DEFAULT_ENV_FILE, loadFeedConfig, venuesLine } from "../lib/feed/load_config.ts";
import { startFeed } from "../lib/feed/run.ts";
import { storeLine } from "../lib/feed/store_choice.ts";
import { registriesFromEnv } from "../lib/release/registries.ts";

const HELP = `Usage: ./tp feed [options]

The LiveFeed service on ${bindHost()}:${PORTS.live_connector} (job live_connector): trades and klines from the
enabled venues -> 1m/1h bars -> features -> DuckDB (+ Parquet) or PostgreSQL (STORE_URL), served on GET /metrics, /health,
/api/bars?venue=&symbol=&interval=&limit=, /stream/bars (SSE).

Configuration: the env file (default ${DEFAULT_ENV_FILE}), then process env for known keys, then flags.
A key the env file sets but nothing reads is warned about, naming the closest known key.
  --env FILE            env file, e.g. config/env/live.public.env for the real venues
  --venues LIST         VENUES_ENABLED (binance,bybit,okx,kraken)
  --symbols LIST        SYMBOLS (BTC-USDT,ETH-USDT or BTCUSDT,...)
  --intervals LIST      INTERVALS (1m,1h)
  --quiet               QUIET=true: warnings/errors only, plus a status line every STATUS_MIN_SECS
  --store PATH          STORE_PATH (DuckDB file)
  --store-url URL       STORE_URL (below; prefer the env: a flag's password is visible in ps)
  --partitioning BOOL   PARTITIONING_ENABLED (true: mirror bars to Parquet under PARQUET_DIR)
  --port N              HTTP port (default ${PORTS.live_connector}; 0 picks a free one)
  --record FILE         append every raw frame as JSONL {"venue","conn","receivedAtMs","frame"}

Market bus (scale-out): BUS_URL unset (the default) = no bus, nothing changes and no NATS is needed.
BUS_URL=nats://host:port[,nats://host:port...] = the feed also publishes every trade it accepts to
md.trades.<venue>.<symbol> and every stored closed bar (and each corrected one again) to
md.bars.<venue>.<symbol>.<interval> on NATS JetStream (streams MD_TRADES, MD_BARS; ./tp nats starts a
server). Publishing never waits: messages go into a bounded outbox (BUS_OUTBOX_CAPACITY, default 10000)
resent with the same message id until acknowledged; a full outbox refuses and counts
(feed_bus_outbox_full_total, alert FeedBusOutboxFull), never drops silently; the store is unaffected.
Also read: BUS_REPLICAS, BUS_ACK_TIMEOUT_MS, BUS_{TRADES,BARS}_{MAX_AGE_S,DUPLICATE_WINDOW_S}.
The bus must answer at start (else exit 2); an outage later only fills the outbox (runbooks/scale_out.md).

Store: STORE_URL unset (the default) = the DuckDB file at STORE_PATH, as always. STORE_URL=duckdb:<path>
is the same as STORE_PATH=<path>; STORE_URL=postgres://user:password@host:port/db = bars and features go
to PostgreSQL (same table, key and schema versions; created and migrated at start; several feeds may
share it). A STORE_URL from a later layer than STORE_PATH overrides it (the env file's STORE_PATH under a
STORE_URL from the environment); set in the same or a later layer and naming another store: exit 2.
With PostgreSQL there is no Parquet mirror (PARTITIONING_ENABLED=true is refused), no ./tp backup
through the spool (it says so, exit 2: back PostgreSQL up with its own tools), STORE_MEMORY_LIMIT and
STORE_THREADS (DuckDB's) are unused, and ./tp version --data and ./tp migrate refuse: /health's
store.schemaVersion is the version. A second start line names a PostgreSQL store; the password is never
printed (not in lines, logs or /health).

Backups: ./tp backup drops a request into <STORE_PATH>.backup_spool/ and the feed, the one process
DuckDB lets read its store, answers it with EXPORT DATABASE between two writes (./tp backup --help).

Prints one line at start naming the profile and where the venues point. Logs are JSON lines on
stderr; the status line goes to stdout. SIGINT/SIGTERM: stop connections, store every queued bar,
checkpoint and close the store, exit 0.

The store carries its schema version (./tp version --data): an older store is migrated forward at
start, each step in one transaction; a store newer than this release is refused (exit 3, one line
naming the way back: ./tp migrate --help).
Exit: 0 stopped cleanly, 1 failure, 2 bad config or flags, port busy, bus or PostgreSQL store not
answering at start, 3 store newer than this release.`;

export async function main(args: string[]): Promise<number> {
  const parsed = parseFlags(args, {
    help: HELP,
    options: {
      env: { type: "string" },
      venues: { type: "string" },
      symbols: { type: "string" },
      intervals: { type: "string" },
      quiet: { type: "boolean" },
      store: { type: "string" },
      "store-url": { type: "string" },
      partitioning: { type: "string" },
      port: { type: "string" },
      record: { type: "string" },
    },
  });
  if (!parsed) return EXIT.OK;
  const v = parsed.values;
  const port = intFlag("port", v.port, PORTS.live_connector, 0, 65535);
  // Warnings (an unknown env-file key) go out even when the config then fails: they may be why.
  const early = jsonLogger("feed");
  const config = loadFeedConfig(v.env ?? DEFAULT_ENV_FILE, Deno.env.toObject(), v, (w) => early("warn", w));
  const s = config.settings;
  const log = jsonLogger("feed", { quiet: s.QUIET });
  console.log(venuesLine(config));
  const pgLine = storeLine(config.store);
  if (pgLine !== null) console.log(pgLine);
  const signal = shutdownSignal();
  const feed = await startFeed({
    config,
    hostname: bindHost(),
    port,
    log,
    record: v.record,
    signal,
    status: (line) => console.log(line),
    storeRegistry: registriesFromEnv((k) => Deno.env.get(k)).store,
  });
  if (feed === null) return EXIT.OK; // stopped while waiting for the simulator's clock
  log("info", "listening", { url: `http://${bindHost()}:${feed.port}`, store: feed.storeInfo.where });
  await untilAborted(signal);
  await feed.stop();
  log("info", "stopped", { barsStored: feed.service.committer.stored });
  return EXIT.OK;
}

if (import.meta.main) Deno.exit(await run("feed", main));
