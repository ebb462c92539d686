import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { EvidenceFolder } from "./folder.ts";
import { checkManifest, MANIFEST_NAME } from "./manifest.ts";
import { utcStamp } from "./stamp.ts";
import { sha256sumCheck } from "../../testing/sha256sum.ts";

const FIXED = Date.UTC(2026, 10, 21, 1, 2, 3, 456);

Deno.test("utcStamp is YYYYMMDDTHHMMSSZ in UTC", () => {
  assert.equal(utcStamp(FIXED), "20261121T010203Z");
});

Deno.test("evidence folder: staged, then appears complete with a manifest that sha256sum -c --strict accepts", async () => {
  const root = await Deno.makeTempDir();
  try {
    const ev = await EvidenceFolder.create("ops_probe", { root, now: () => FIXED });
    await ev.write("a.txt", "alpha\n");
    await ev.write("prom/q.json", '{"status":"success"}');
    await ev.writeJson("run.json", { ok: true });
    // Nothing named like a proof exists before finalize: atomic appearance.
    const before = [];
    for await (const e of Deno.readDir(root)) before.push(e.name);
    assert.deepEqual(before, [".staging"]);
    const dir = await ev.finalize();
    assert.equal(dir, join(root, "ops_probe_20261121T010203Z"));
    const manifest = await Deno.readTextFile(join(dir, MANIFEST_NAME));
    assert.equal(manifest.trim().split("\n").length, 3);
    assert.match(manifest, /^[0-9a-f]{64} {2}a\.txt$/m);
    assert.match(manifest, /^[0-9a-f]{64} {2}prom\/q\.json$/m);
    const r = await sha256sumCheck(dir);
    assert.equal(r.code, 0, r.out);
    assert.deepEqual(await checkManifest(dir), []);
    // Tampering is caught by both checkers.
    await Deno.writeTextFile(join(dir, "a.txt"), "changed\n");
    assert.notEqual((await sha256sumCheck(dir)).code, 0);
    assert.deepEqual(await checkManifest(dir), ["checksum mismatch: a.txt"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("evidence folder: two runs in the same second get unique names", async () => {
  const root = await Deno.makeTempDir();
  try {
    const dirs = [];
    for (let i = 0; i < 3; i++) {
      const ev = await EvidenceFolder.create("twice", { root, now: () => FIXED });
      await ev.write("x.txt", String(i));
      dirs.push(await ev.finalize());
    }
    assert.deepEqual(dirs, [
      join(root, "twice_20261121T010203Z"),
      join(root, "twice_20261121T010203Z_2"),
      join(root, "twice_20261121T010203Z_3"),
    ]);
    assert.equal(await Deno.readTextFile(join(dirs[2], "x.txt")), "2");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("evidence folder: abandon leaves no proof folder behind", async () => {
  const root = await Deno.makeTempDir();
  try {
    const ev = await EvidenceFolder.create("gone", { root, now: () => FIXED });
    await ev.write("x.txt", "x");
    await ev.abandon();
    const names = [];
    for await (const e of Deno.readDir(join(root, ".staging"))) names.push(e.name);
    assert.deepEqual(names, []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("evidence folder: paths inside staging are shown as they read once sealed", async () => {
  const root = await Deno.makeTempDir();
  try {
    const ev = await EvidenceFolder.create("ops_probe", { root, now: () => FIXED });
    const final = join(root, "ops_probe_20261121T010203Z");
    assert.equal(ev.intended, final);
    assert.equal(ev.shown(ev.path("logs/feed.log")), join(final, "logs/feed.log"));
    assert.equal(ev.shown(resolve(ev.path("logs"))), join(final, "logs"));
    assert.equal(ev.shown("/elsewhere/x.log"), "/elsewhere/x.log");
    assert.equal(await ev.finalize(), final);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("evidence folder: a second run in the same second is shown and sealed as _2", async () => {
  const root = await Deno.makeTempDir();
  try {
    const first = await EvidenceFolder.create("ops_probe", { root, now: () => FIXED });
    await first.finalize();
    const second = await EvidenceFolder.create("ops_probe", { root, now: () => FIXED });
    assert.equal(second.intended, join(root, "ops_probe_20261121T010203Z_2"));
    assert.equal(await second.finalize(), second.intended);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
