// The page's modules are served as written, so every one must be an asset: each page/*.js file (tests
// aside) is served under /assets/, and every module a served one imports is served too.
import assert from "node:assert/strict";
import { ASSETS } from "./assets.ts";

const PAGE = new URL("./page/", import.meta.url);

Deno.test("every page module is served, and so is every module a served one imports", async () => {
  const files: string[] = [];
  for await (const e of Deno.readDir(PAGE)) {
    if (e.isFile && e.name.endsWith(".js") && !e.name.endsWith("_test.js")) files.push(e.name);
  }
  assert.ok(files.includes("app.js"), "the entry module is in page/");
  const imported = new Set<string>();
  for (const name of files.sort()) {
    const asset = ASSETS[`/assets/${name}`];
    assert.ok(asset, `page/${name} is served as /assets/${name}`);
    assert.equal(asset.body, await Deno.readTextFile(new URL(name, PAGE)), `${name} served as written`);
    assert.equal(asset.contentType, "text/javascript; charset=utf-8");
    // Runtime imports only: type imports live in JSDoc comments, which the browser never loads.
    for (const [, spec] of asset.body.matchAll(/^import [^;]*? from "([^"]+)";$/gms)) {
      assert.match(spec, /^\.\/[a-z_]+\.js$/, `${name} imports a sibling module, not ${spec}`);
      assert.ok(ASSETS[`/assets/${spec.slice(2)}`], `${name} imports ${spec}, which is served`);
      imported.add(spec.slice(2));
    }
  }
  // Everything but the entry is reached from it (the pattern above did find the imports).
  assert.deepEqual([...imported].sort(), files.filter((f) => f !== "app.js"));
});

Deno.test("the page's DOM check config is the tree's, plus DOM types: same pins, same strictness", async () => {
  const read = async (path: string) => JSON.parse(await Deno.readTextFile(new URL(path, import.meta.url)));
  const root = await read("../../deno.json");
  const page = await read("./page/dom_check.json");
  for (const [name, spec] of Object.entries(page.imports)) assert.equal(spec, root.imports[name], name);
  assert.deepEqual(page.compilerOptions, {
    ...root.compilerOptions,
    checkJs: true,
    lib: ["deno.window", "dom", "dom.iterable"],
  });
  assert.equal(page.nodeModulesDir, root.nodeModulesDir);
});
