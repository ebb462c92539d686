// The shared renderer: header pills, and markup that upstream text cannot break into.
import assert from "node:assert/strict";
import { fmt, h, pill, toHtml } from "./render.js";
import { downReport, okReport } from "../../../testing/source_reports.ts";

Deno.test("pills: up with latency, unreachable with the reason, no report at all", () => {
  assert.equal(
    toHtml([
      pill("prometheus", okReport("prometheus")),
      pill("feed", downReport("feed")),
      pill("alertmanager", null),
    ]),
    '<span class="badge ok" title="3.3 ms" data-pill="prometheus">prometheus up</span>' +
      '<span class="badge bad" title="fetch failed: &lt;refused&gt;" data-pill="feed">feed unreachable</span>' +
      '<span class="badge bad" title="no answer" data-pill="alertmanager">alertmanager unreachable</span>',
  );
});

Deno.test("toHtml: text and attributes escaped, numbers as text, null as nothing; fmt", () => {
  const node = h("a", { href: `/x?a=1&b="2"`, text: "<b>'hi'</b>" }, 3, h("i", null, "&"));
  assert.equal(
    toHtml([node, 0]),
    '<a href="/x?a=1&amp;b=&quot;2&quot;">&lt;b&gt;&#39;hi&#39;&lt;/b&gt;3<i>&amp;</i></a>0',
  );
  assert.equal(toHtml(null), "");
  assert.equal(fmt(1234.5678), "1,234.57");
  assert.equal(fmt(Number.NaN), "—");
  assert.equal(fmt(null), "—");
});
