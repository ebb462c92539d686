import assert from "node:assert/strict";
import { ConfigError } from "../util/errors.ts";
import { hmacHex } from "./binance_sign.ts";
import { ApiCredentials, credentialsFromEnv } from "./credentials.ts";

const KEY = "k".repeat(64);
const SECRET = "S3cr3tValueThatMustNeverBePrinted0123456789abcdefghijklmnopqrstu";
const envOf = (o: Record<string, string>) => (n: string) => o[n];
const noFile = (p: string): string => {
  throw new Deno.errors.NotFound(`no ${p}`);
};

Deno.test("credentials from BINANCE_API_KEY / BINANCE_API_SECRET sign without exposing the secret", () => {
  const c = credentialsFromEnv(envOf({ BINANCE_API_KEY: KEY, BINANCE_API_SECRET: SECRET }), noFile);
  assert.equal(c.apiKey, KEY);
  assert.equal(c.sign("a=1"), hmacHex(SECRET, "a=1"));
  for (
    const shown of [String(c), JSON.stringify({ c }), Deno.inspect(c), Deno.inspect({ nested: c }), `${c}`]
  ) {
    assert.ok(!shown.includes(SECRET) && !shown.includes(KEY), shown);
    assert.match(shown, /<redacted>/);
  }
});

Deno.test("the *_FILE variants read a file and drop one trailing newline", () => {
  const files: Record<string, string> = { "/run/secrets/k": `${KEY}\n`, "/run/secrets/s": `${SECRET}\r\n` };
  const env = envOf({ BINANCE_API_KEY_FILE: "/run/secrets/k", BINANCE_API_SECRET_FILE: "/run/secrets/s" });
  const c = credentialsFromEnv(env, (p) => files[p]);
  assert.equal(c.apiKey, KEY);
  assert.equal(c.sign("x"), hmacHex(SECRET, "x"));
});

Deno.test("bad credential config is a ConfigError naming the variable, never its value", () => {
  const cases: [Record<string, string>, string][] = [
    [{ BINANCE_API_SECRET: SECRET }, "BINANCE_API_KEY (or BINANCE_API_KEY_FILE) is not set"],
    [{ BINANCE_API_KEY: KEY }, "BINANCE_API_SECRET (or BINANCE_API_SECRET_FILE) is not set"],
    [
      { BINANCE_API_KEY: KEY, BINANCE_API_SECRET: SECRET, BINANCE_API_SECRET_FILE: "/x" },
      "set BINANCE_API_SECRET or BINANCE_API_SECRET_FILE, not both",
    ],
    [
      { BINANCE_API_KEY: KEY, BINANCE_API_SECRET: `${SECRET} ` },
      "BINANCE_API_SECRET holds an empty or malformed value (not shown)",
    ],
    [
      { BINANCE_API_KEY: KEY, BINANCE_API_SECRET_FILE: "/nope" },
      "BINANCE_API_SECRET_FILE=/nope cannot be read (NotFound)",
    ],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => credentialsFromEnv(envOf(env), noFile), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.message, message);
      assert.ok(!e.message.includes(SECRET) && !(e.stack ?? "").includes(SECRET));
      return true;
    });
  }
});

Deno.test("mustNotLeak spots the key or the secret in any text", () => {
  const c = new ApiCredentials(KEY, SECRET);
  assert.equal(c.mustNotLeak(`x ${SECRET} y`), true);
  assert.equal(c.mustNotLeak(`X-MBX-APIKEY: ${KEY}`), true);
  assert.equal(c.mustNotLeak("POST /api/v3/order: connection refused"), false);
});
