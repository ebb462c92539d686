import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../util/errors.ts";
import { resolveFeedConfig } from "./config.ts";
import { parseEnvFile } from "./env_file.ts";
import { loadFeedConfig } from "./load_config.ts";
import { chooseStore, duckDbOnly, storeLine } from "./store_choice.ts";

const ENV_FILE = "config/env/live.env";
const fileEnv = () => parseEnvFile(Deno.readTextFileSync(ENV_FILE), ENV_FILE);
const PG = "postgres://tick:s3cret@127.0.0.1:5433/bars";
const SAFE = "postgres://tick:***@127.0.0.1:5433/bars";

Deno.test("STORE_URL unset: the DuckDB file at STORE_PATH, the settings as they were", () => {
  const c = resolveFeedConfig(fileEnv(), {}, {}, ENV_FILE);
  assert.deepEqual(c.store, { kind: "duckdb", path: "data/feed.duckdb" });
  assert.equal(c.settings.STORE_PATH, "data/feed.duckdb");
  assert.equal(c.settings.STORE_URL, undefined);
  const flag = resolveFeedConfig(fileEnv(), { STORE_PATH: "a.duckdb" }, { STORE_PATH: "b.duckdb" }, ENV_FILE);
  assert.deepEqual(flag.store, { kind: "duckdb", path: "b.duckdb" });
  const empty = resolveFeedConfig(fileEnv(), { STORE_URL: "" }, {}, ENV_FILE);
  assert.deepEqual(empty.store, { kind: "duckdb", path: "data/feed.duckdb" });
  assert.equal(storeLine(c.store), null, "no new start line for DuckDB");
});

Deno.test("STORE_URL from the environment overrides the env file's STORE_PATH", () => {
  const pg = resolveFeedConfig(fileEnv(), { STORE_URL: PG }, {}, ENV_FILE);
  assert.deepEqual(pg.store, { kind: "postgres", url: PG });
  const duck = resolveFeedConfig(fileEnv(), { STORE_URL: "duckdb:/tmp/x/feed.duckdb" }, {}, ENV_FILE);
  assert.deepEqual(duck.store, { kind: "duckdb", path: "/tmp/x/feed.duckdb" });
  assert.equal(duck.settings.STORE_PATH, "/tmp/x/feed.duckdb", "DuckDB readers of the config open that file");
  const bare = resolveFeedConfig(fileEnv(), { STORE_URL: "duckdb:" }, {}, ENV_FILE);
  assert.deepEqual(bare.store, { kind: "duckdb", path: "data/feed.duckdb" });
  // An env file without STORE_PATH is fine once STORE_URL names the store.
  const { STORE_PATH: _, ...noPath } = fileEnv();
  assert.deepEqual(resolveFeedConfig(noPath, { STORE_URL: PG }, {}, ENV_FILE).store, {
    kind: "postgres",
    url: PG,
  });
  assert.equal(
    storeLine(pg.store),
    `feed: store PostgreSQL ${SAFE}; not used with it: the Parquet mirror, backups through the spool ` +
      "(./tp backup), STORE_MEMORY_LIMIT, STORE_THREADS",
  );
});

Deno.test("STORE_URL and STORE_PATH naming different stores in the same or a later layer: one line", () => {
  const expect = (urlFrom: string, pathFrom: string, path: string) =>
    `config ${ENV_FILE}: STORE_URL "${SAFE}" (from ${urlFrom}) and STORE_PATH "${path}" (from ${pathFrom}) ` +
    "name different stores: set only one of them";
  assert.throws(
    () => resolveFeedConfig(fileEnv(), { STORE_URL: PG, STORE_PATH: "x.duckdb" }, {}, ENV_FILE),
    { name: "RangeError", message: expect("the environment", "the environment", "x.duckdb") },
  );
  assert.throws(
    () => resolveFeedConfig(fileEnv(), { STORE_URL: PG }, { STORE_PATH: "y.duckdb" }, ENV_FILE),
    { message: expect("the environment", "a flag", "y.duckdb") },
  );
  assert.throws(
    () => resolveFeedConfig({ ...fileEnv(), STORE_URL: PG }, {}, {}, ENV_FILE),
    { message: expect("the env file", "the env file", "data/feed.duckdb") },
  );
  assert.throws(
    () =>
      resolveFeedConfig(fileEnv(), { STORE_URL: "duckdb:a.duckdb", STORE_PATH: "b.duckdb" }, {}, ENV_FILE),
    {
      message: `config ${ENV_FILE}: STORE_URL "duckdb:a.duckdb" (from the environment) and STORE_PATH ` +
        `"b.duckdb" (from the environment) name different stores: set only one of them`,
    },
  );
  // The same file, spelt two ways, is no disagreement.
  const same = resolveFeedConfig(
    fileEnv(),
    { STORE_URL: `duckdb:${join(Deno.cwd(), "data/f.duckdb")}`, STORE_PATH: "data/f.duckdb" },
    {},
    ENV_FILE,
  );
  assert.equal(same.store.kind, "duckdb");
});

Deno.test("a bad STORE_URL, or Parquet with PostgreSQL, is one line without the password", () => {
  assert.throws(() => resolveFeedConfig(fileEnv(), { STORE_URL: "mysql://tick:s3cret@h/db" }, {}, ENV_FILE), {
    name: "RangeError",
    message: `config ${ENV_FILE}: STORE_URL "mysql://tick:***@h/db" is neither duckdb:<path> nor ` +
      "postgres://user:password@host:port/db",
  });
  assert.throws(
    () => resolveFeedConfig(fileEnv(), { STORE_URL: PG, PARTITIONING_ENABLED: "true" }, {}, ENV_FILE),
    {
      message: `config ${ENV_FILE}: PARTITIONING_ENABLED true mirrors a DuckDB store to Parquet, and ` +
        "STORE_URL names PostgreSQL: set PARTITIONING_ENABLED=false",
    },
  );
  // Through the CLI's loader: a ConfigError, and a bad --store-url names the flag.
  assert.throws(
    () => loadFeedConfig(ENV_FILE, {}, { "store-url": "postgres://tick:s3cret@/db" }),
    (e: Error) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(
        e.message,
        '--store-url: STORE_URL "postgres://tick:***@/db" is not a valid postgres:// URL',
      );
      return true;
    },
  );
});

Deno.test("DuckDB-only tools get the file, or one line naming PostgreSQL without the password", () => {
  assert.equal(duckDbOnly({ kind: "duckdb", path: "d.duckdb" }, "./tp backup", "x"), "d.duckdb");
  assert.throws(() => duckDbOnly({ kind: "postgres", url: PG }, "./tp backup", "use pg_dump"), {
    name: "ConfigError",
    message:
      `./tp backup works on a DuckDB store only, and STORE_URL names PostgreSQL (${SAFE}): use pg_dump`,
  });
  assert.equal(chooseStore(undefined, { value: "p", layer: "a flag" }), null);
});
