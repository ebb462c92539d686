// The dependency rules of the layout (ARCHITECTURE.md), read from the real imports: lib/ is a library
// that never reaches into tests, test helpers, benches or entry points; inside lib/ a folder imports
// only folders in lower layers; nothing imports in a cycle; lib files stay small.
import assert from "node:assert/strict";
import { join } from "node:path";
import { cycles, type Edge, importGraph, ROOT, sourceFiles } from "../testing/import_graph.ts";

/**
 * lib/ folders from the bottom up, from the real import graph. A folder may import its own files and
 * folders of strictly lower layers. "." is lib/*.ts itself (log.ts). A new folder must be placed here.
 */
const LAYERS: readonly (readonly string[])[] = [
  // foundations: types, typed errors, logging, ports; sleeping/polling/backoff; atomic writes and JSONL
  // appends (fs is here, not with the effects above it, because evidence/ builds on its atomic write)
  [".", "util", "config", "market", "async", "fs"],
  ["cli", "http", "proc", "evidence"], // effects at the edge: exit codes, serving, child processes, evidence
  // one subject each, mostly pure; bus: the market bus (in-process and JetStream) and its nats-server launcher
  ["features", "dq", "venues", "sim", "events", "prom", "strategy", "trading", "drift", "bus"],
  // components; oms (order state machine, event log, risk, kill switch) sits here, above trading, whose
  // venue types it uses, so the live loop above it builds on both
  ["bars", "store", "exporter", "compose", "web", "shadow", "alerting", "oms", "backtest"],
  // the feed service; the live execution loop; backup and restore (over store, oms); the bus -> store writer
  ["feed", "live", "backup", "store_writer"],
  ["verify", "release"], // proofs and evidence over the running components; versions and migrations
  ["oncall"], // the operator's checks over proofs and alerts
  ["audit"], // re-checking proofs offline: recomputes every kind's gates
];

/**
 * Known breaks of a rule (none now), each named with why and removed once fixed: the test fails on
 * one no longer needed, so the list only shrinks.
 */
const EXCEPTIONS: Readonly<Record<string, string>> = {};

/** Known cycles (files in sorted order), to be removed when broken; fails once one is gone. */
const CYCLE_EXCEPTIONS = new Set<string>([]);

/**
 * lib .ts/.js files (the page's browser modules included) allowed over 250 lines: none now, one idea per
 * module. A file listed here fails the test once it is small again, so the list only shrinks.
 */
const OVER_LIMIT = new Set<string>([]);
const MAX_LINES = 250;

const isTest = (f: string) => /_test\.(ts|js)$/.test(f);
const under = (f: string, ...dirs: string[]) => dirs.some((d) => f.startsWith(d + "/"));

/** lib folder of a lib file: "feed" for lib/feed/x.ts, "." for lib/log.ts. */
function libFolder(f: string): string {
  const parts = f.split("/");
  return parts.length > 2 ? parts[1] : ".";
}

function layerOf(folder: string): number {
  const i = LAYERS.findIndex((l) => l.includes(folder));
  if (i < 0) throw new Error(`lib/${folder}/ has no layer: add it to LAYERS in tests/import_rules_test.ts`);
  return i;
}

/** The rule an edge breaks, or null. */
function broken(e: Edge): string | null {
  const { from, to } = e;
  if (under(from, "lib") && !isTest(from)) {
    if (!under(to, "lib", "config")) return "lib code imports only lib/ and config/";
    const a = libFolder(from), b = libFolder(to);
    if (under(to, "lib") && a !== b && layerOf(b) >= layerOf(a)) {
      return `layer: lib/${a} (layer ${layerOf(a)}) may not import lib/${b} (layer ${layerOf(b)})`;
    }
  }
  if (under(from, "lib") && isTest(from) && !under(to, "lib", "config", "testing")) {
    return "a test beside lib code imports lib/, config/ and testing/ only (move helpers to testing/)";
  }
  if (under(from, "testing") && !under(to, "lib", "config", "testing", "tests/fixtures")) {
    return "testing imports tests";
  }
  // The test runner itself may use test support (it refuses to run without the shared fixtures).
  const runner = from === "scripts/run_tests.ts" && under(to, "testing");
  if (under(from, "scripts") && under(to, "tests", "testing", "bench") && !runner) {
    return "entry points import no test code or benches";
  }
  if (under(to, "bench") && !under(from, "bench")) return "bench/ is run, not imported";
  return null;
}

const edges = await importGraph();

Deno.test("the import graph is read: lib code, tests and helpers all appear", () => {
  for (const f of ["lib/feed/service.ts", "scripts/exporter.ts", "testing/demo_stack.ts"]) {
    assert.ok(edges.some((e) => e.from === f), `no imports read from ${f}`);
  }
});

Deno.test("dependency rules: lib never imports tests, testing, bench or entry points; layers go down", () => {
  const bad: string[] = [];
  const used = new Set<string>();
  for (const e of edges) {
    const rule = broken(e);
    if (rule === null) continue;
    const key = `${e.from} -> ${e.to}`;
    if (key in EXCEPTIONS && rule.startsWith(EXCEPTIONS[key])) used.add(key);
    else bad.push(`${key}: ${rule}`);
  }
  for (const key of Object.keys(EXCEPTIONS)) {
    if (!used.has(key)) bad.push(`${key}: fixed, remove it from EXCEPTIONS`);
  }
  assert.deepEqual(bad, []);
});

Deno.test("every lib folder has a layer", async () => {
  const folders = new Set((await sourceFiles()).filter((f) => under(f, "lib")).map(libFolder));
  const missing = [...folders].filter((f) => !LAYERS.some((l) => l.includes(f)));
  assert.deepEqual(missing, [], "add these lib folders to LAYERS");
});

Deno.test("ARCHITECTURE.md's layer table is the one enforced here", async () => {
  const doc = await Deno.readTextFile(join(ROOT, "ARCHITECTURE.md"));
  const rows = [...doc.matchAll(/^\| (\d+) +\|([^|]+)\|/gm)].map((m) =>
    [...m[2].matchAll(/`([^`]+)`/g)].map((f) => f[1] === "lib/*.ts" ? "." : f[1])
  );
  assert.deepEqual(rows, LAYERS.map((l) => [...l]));
});

Deno.test("no import cycles", () => {
  const found = cycles(edges);
  const bad = found.filter((c) => !CYCLE_EXCEPTIONS.has(c)).map((c) => `${c}: import each other in a cycle`);
  for (const c of CYCLE_EXCEPTIONS) {
    if (!found.includes(c)) bad.push(`${c}: fixed, remove it from CYCLE_EXCEPTIONS`);
  }
  assert.deepEqual(bad, []);
});

Deno.test(`lib files stay within ${MAX_LINES} lines (listed exceptions aside)`, async () => {
  const bad: string[] = [];
  const libFiles = (await sourceFiles()).filter((f) => under(f, "lib"));
  for (const f of libFiles) {
    const lines = (await Deno.readTextFile(join(ROOT, f))).split("\n").length - 1;
    if (lines > MAX_LINES && !OVER_LIMIT.has(f)) bad.push(`${f}: ${lines} lines`);
    if (lines <= MAX_LINES && OVER_LIMIT.has(f)) {
      bad.push(`${f}: ${lines} lines now, remove it from OVER_LIMIT`);
    }
  }
  for (const f of OVER_LIMIT) if (!libFiles.includes(f)) bad.push(`${f}: gone, remove it from OVER_LIMIT`);
  assert.deepEqual(bad, []);
});

Deno.test("every entry point is scripts/<task>.ts: each deno.json task runs one, no other top-level code folder", async () => {
  const tasks: Record<string, string> = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))).tasks;
  const bad = Object.entries(tasks).filter(([, cmd]) => !/ (scripts|bench)\/[a-z0-9_]+\.ts\b/.test(cmd));
  assert.deepEqual(bad, [], "a task runs something outside scripts/ or bench/");
  const dirs: string[] = [];
  for await (const e of Deno.readDir(ROOT)) {
    if (e.isDirectory && !e.name.startsWith(".")) dirs.push(e.name);
  }
  const code = ["bench", "ci", "config", "lib", "ops", "runbooks", "scripts", "testing", "tests", "tools"];
  assert.deepEqual(dirs.filter((d) => !code.includes(d) && !["data", "logs"].includes(d)), []);
});
