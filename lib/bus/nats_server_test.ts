import assert from "node:assert/strict";
import { nodeSpecs } from "./nats_cluster.ts";
import { renderNatsConfig } from "./nats_server.ts";

Deno.test("nats config: a single node has JetStream on its store and no cluster block", () => {
  const [spec] = nodeSpecs(1, "127.0.0.1", "/w", { client: [4001], http: [8001], cluster: [] });
  assert.equal(
    renderNatsConfig(spec),
    [
      'server_name: "n1"',
      'listen: "127.0.0.1:4001"',
      'http: "127.0.0.1:8001"',
      "jetstream {",
      '  store_dir: "/w/n1/store"',
      "}",
      "",
    ].join("\n"),
  );
});

Deno.test("nats config: three nodes, each routing to the other two, one cluster name", () => {
  const specs = nodeSpecs(3, "127.0.0.1", "/w", {
    client: [4001, 4002, 4003],
    http: [8001, 8002, 8003],
    cluster: [6001, 6002, 6003],
  });
  assert.deepEqual(specs.map((s) => [s.name, s.storeDir]), [
    ["n1", "/w/n1/store"],
    ["n2", "/w/n2/store"],
    ["n3", "/w/n3/store"],
  ]);
  assert.match(
    renderNatsConfig(specs[1]),
    /cluster \{\n {2}name: "tickproof"\n {2}listen: "127\.0\.0\.1:6002"\n {2}routes: \["nats-route:\/\/127\.0\.0\.1:6001", "nats-route:\/\/127\.0\.0\.1:6003"\]\n\}\n$/,
  );
});
