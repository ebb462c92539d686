import assert from "node:assert/strict";
import { ConfigError } from "../util/errors.ts";
import { AdminToken, adminTokenFromEnv } from "./admin_token.ts";

const SECRET = "0123456789abcdef-secret";
const envOf = (o: Record<string, string>) => (n: string) => o[n];

Deno.test("admin token: exact Bearer match only, and it never prints", () => {
  const t = new AdminToken(SECRET);
  assert.equal(t.matches(`Bearer ${SECRET}`), true);
  for (
    const h of [
      null,
      "",
      SECRET,
      `Bearer ${SECRET}x`,
      `Bearer ${SECRET.slice(1)}`,
      `bearer ${SECRET}`,
      "Bearer ",
    ]
  ) {
    assert.equal(t.matches(h), false, String(h));
  }
  for (const shown of [String(t), JSON.stringify({ t }), Deno.inspect(t), Deno.inspect({ nested: t })]) {
    assert.ok(!shown.includes(SECRET), shown);
    assert.match(shown, /<redacted>/);
  }
});

Deno.test("admin token from env: direct or file, neither is null, both or a weak one is a one-line ConfigError without the value", () => {
  assert.equal(adminTokenFromEnv(envOf({})), null);
  assert.equal(adminTokenFromEnv(envOf({ LIVE_ADMIN_TOKEN: SECRET }))!.matches(`Bearer ${SECRET}`), true);
  const fromFile = adminTokenFromEnv(envOf({ LIVE_ADMIN_TOKEN_FILE: "/run/secrets/t" }), (p) => {
    assert.equal(p, "/run/secrets/t");
    return SECRET + "\n";
  });
  assert.equal(fromFile!.matches(`Bearer ${SECRET}`), true, "one trailing newline dropped");
  const bad = (env: Record<string, string>, msg: RegExp, read?: (p: string) => string) =>
    assert.throws(() => adminTokenFromEnv(envOf(env), read), (e: Error) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, msg);
      assert.ok(!e.message.includes("short-one") && !e.message.includes(SECRET));
      return true;
    });
  bad(
    { LIVE_ADMIN_TOKEN: SECRET, LIVE_ADMIN_TOKEN_FILE: "/x" },
    /^set LIVE_ADMIN_TOKEN or LIVE_ADMIN_TOKEN_FILE, not both$/,
  );
  bad(
    { LIVE_ADMIN_TOKEN: "short-one" },
    /^LIVE_ADMIN_TOKEN must hold at least 16 characters without spaces or control characters \(value not shown\)$/,
  );
  bad({ LIVE_ADMIN_TOKEN: `${SECRET} x` }, /^LIVE_ADMIN_TOKEN must hold/);
  bad(
    { LIVE_ADMIN_TOKEN_FILE: "/nope" },
    /^LIVE_ADMIN_TOKEN_FILE=\/nope cannot be read \(NotFound\)$/,
    () => {
      throw new Deno.errors.NotFound("x");
    },
  );
});
