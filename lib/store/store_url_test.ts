import assert from "node:assert/strict";
import { ConfigError } from "../util/errors.ts";
import { parseEnvFile } from "../feed/env_file.ts";
import { DEFAULT_STORE_PATH, parseStoreUrl, redactUrl } from "./store_url.ts";

Deno.test("parseStoreUrl: unset, empty and bare duckdb: mean the feed's default store file", () => {
  for (const raw of [undefined, "", "  ", "duckdb:"]) {
    assert.deepEqual(parseStoreUrl(raw), { kind: "duckdb", path: "data/feed.duckdb" }, String(raw));
  }
  assert.deepEqual(parseStoreUrl(undefined, "x/y.duckdb"), { kind: "duckdb", path: "x/y.duckdb" });
  assert.deepEqual(parseStoreUrl("duckdb:/srv/feed.duckdb"), { kind: "duckdb", path: "/srv/feed.duckdb" });
  assert.deepEqual(parseStoreUrl("duckdb::memory:"), { kind: "duckdb", path: ":memory:" });
});

Deno.test("the default store path is the feed's STORE_PATH in config/env/live.env", async () => {
  const env = parseEnvFile(await Deno.readTextFile("config/env/live.env"), "config/env/live.env");
  assert.equal(DEFAULT_STORE_PATH, env.STORE_PATH);
});

Deno.test("parseStoreUrl: postgres:// and postgresql:// URLs are kept as given", () => {
  const url = "postgres://tp:s3cret@db1.internal:5433/market";
  assert.deepEqual(parseStoreUrl(url), { kind: "postgres", url });
  assert.deepEqual(parseStoreUrl(` ${url} `), { kind: "postgres", url });
  assert.deepEqual(parseStoreUrl("postgresql://h/db"), { kind: "postgres", url: "postgresql://h/db" });
});

Deno.test("parseStoreUrl: anything else is one ConfigError line that never shows a password", () => {
  const cases: [string, string][] = [
    [
      "mysql://u:pw@h/db",
      'STORE_URL "mysql://u:***@h/db" is neither duckdb:<path> nor postgres://user:password@host:port/db',
    ],
    [
      "data/feed.duckdb",
      'STORE_URL "data/feed.duckdb" is neither duckdb:<path> nor postgres://user:password@host:port/db',
    ],
    ["postgres:///db", 'STORE_URL "postgres:///db" names no host (postgres://user:password@host:port/db)'],
    ["postgres://u:pw@/db", 'STORE_URL "postgres://u:***@/db" is not a valid postgres:// URL'],
    [
      "postgres://u:pw@h:notaport/db",
      'STORE_URL "postgres://u:***@h:notaport/db" is not a valid postgres:// URL',
    ],
  ];
  for (const [raw, line] of cases) {
    assert.throws(() => parseStoreUrl(raw), (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, line);
      return true;
    });
  }
});

Deno.test("redactUrl hides the password only, parseable or not", () => {
  assert.equal(redactUrl("postgres://u:p%40ss@h:5432/db?x=1"), "postgres://u:***@h:5432/db?x=1");
  assert.equal(redactUrl("postgres://u:a@b@h/db"), "postgres://u:***@h/db");
  assert.equal(redactUrl("postgres://u@h/db"), "postgres://u@h/db");
  assert.equal(redactUrl("postgres://h:5432/db"), "postgres://h:5432/db");
  assert.equal(redactUrl("duckdb:data/feed.duckdb"), "duckdb:data/feed.duckdb");
});
