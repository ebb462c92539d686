import assert from "node:assert/strict";
import { parse } from "yaml";
import { COMPONENTS, JOBS } from "./components.ts";

const read = async (p: string) => await Deno.readTextFile(p);

Deno.test("components: one row per Port Contract entry, on its port", async () => {
  const ports = JSON.parse(await read("config/ports.json")).ports as Record<string, number>;
  assert.deepEqual(Object.keys(COMPONENTS).sort(), Object.keys(ports).sort());
  for (const c of Object.values(COMPONENTS)) assert.equal(c.port, ports[c.name], c.name);
});

Deno.test("components: each task is in deno.json and runs the entry point, which exists", async () => {
  const tasks = JSON.parse(await read("deno.json")).tasks as Record<string, string>;
  for (const c of Object.values(COMPONENTS)) {
    assert.match(tasks[c.task] ?? "", new RegExp(`^deno run .*\\b${c.entry}$`), `${c.name}: task ${c.task}`);
    assert.ok((await Deno.stat(c.entry)).isFile, c.entry);
  }
});

Deno.test("components: the scraped ones are exactly scrape.json's jobs; short names are unique", async () => {
  const scrape = JSON.parse(await read("config/prometheus/scrape.json")) as { jobs: string[] };
  assert.deepEqual([...scrape.jobs].sort(), [...JOBS].sort());
  const scraped = Object.values(COMPONENTS).filter((c) => c.scraped).map((c) => c.name);
  assert.deepEqual(scraped.sort(), [...JOBS].sort());
  const shorts = Object.values(COMPONENTS).map((c) => c.service);
  assert.equal(new Set(shorts).size, shorts.length);
  assert.deepEqual(
    Object.fromEntries(Object.values(COMPONENTS).map((c) => [c.name, c.service])),
    {
      venue_sim: "venue-sim",
      live_connector: "feed",
      shadow_mvs: "shadow",
      ai_live: "exporter",
      peak_trade_web: "web",
      prometheus: "prometheus",
      alertmanager: "alertmanager",
      live_loop: "live",
      store_writer: "store-writer",
      node: "node-exporter",
    },
  );
});

Deno.test("components: each is a compose service of that short name publishing its port", async () => {
  const compose = parse(await read("ops/compose/docker-compose.yml")) as {
    services: Record<string, { ports?: string[] }>;
  };
  for (const c of Object.values(COMPONENTS)) {
    assert.deepEqual(compose.services[c.service]?.ports, [`127.0.0.1:${c.port}:${c.port}`], c.service);
  }
});
