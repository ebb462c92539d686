// Typed lib errors to exit codes: only run() decides, and the line printed is the error's message.
import assert from "node:assert/strict";
import {
  ConfigError,
  EnvironmentError,
  PortBusyError,
  SchemaTooNewError,
  ToolMissingError,
} from "../util/errors.ts";
import { EXIT, exitCodeFor, run, UsageError, verdictExit } from "./main.ts";

Deno.test("exitCodeFor: config, usage and environment errors are 2, data newer than the release 3, anything else 1", () => {
  assert.equal(exitCodeFor(new ConfigError("bad env")), EXIT.USAGE);
  assert.equal(exitCodeFor(new UsageError("bad flag")), EXIT.USAGE);
  assert.equal(exitCodeFor(new EnvironmentError("not ready")), EXIT.USAGE);
  assert.equal(exitCodeFor(new PortBusyError("port 9110 busy")), EXIT.USAGE);
  assert.equal(exitCodeFor(new ToolMissingError("promtool is not installed")), EXIT.USAGE);
  assert.equal(exitCodeFor(new SchemaTooNewError("store is at schema version 2")), EXIT.SCHEMA);
  assert.equal(EXIT.SCHEMA, 3);
  assert.equal(exitCodeFor(new Error("boom")), EXIT.FAIL);
  assert.equal(exitCodeFor(new TypeError("bug")), EXIT.FAIL);
  assert.equal(exitCodeFor("a string"), EXIT.FAIL);
});

Deno.test("verdictExit: PASS is 0, FAIL is 1", () => {
  assert.equal(verdictExit("PASS"), EXIT.OK);
  assert.equal(verdictExit("FAIL"), EXIT.FAIL);
});

Deno.test("run: a thrown typed error becomes one '<name>: <message>' line and its exit code", async () => {
  const lines: string[] = [];
  const orig = console.error;
  console.error = (...a: unknown[]) => lines.push(a.map(String).join(" "));
  try {
    const fail = (err: unknown) => () => Promise.reject(err);
    assert.equal(await run("probe", fail(new ToolMissingError("prometheus is not installed"))), 2);
    assert.equal(await run("probe", fail(new ConfigError("config x: bad"))), 2);
    assert.equal(await run("probe", fail(new Error("went wrong"))), 1);
    assert.equal(await run("probe", () => Promise.resolve(0)), 0);
  } finally {
    console.error = orig;
  }
  assert.deepEqual(lines, [
    "probe: prometheus is not installed",
    "probe: config x: bad",
    "probe: went wrong",
  ]);
});
