import assert from "node:assert/strict";
import { fencedBlocks, githubSlug, headingAnchors } from "./runbook_md.ts";

Deno.test("githubSlug follows GitHub: lower case, punctuation dropped, spaces to hyphens", () => {
  assert.equal(githubSlug("FeedStalled"), "feedstalled");
  assert.equal(githubSlug("1. Acknowledge"), "1-acknowledge");
  assert.equal(githubSlug("Start and stop"), "start-and-stop");
  assert.equal(githubSlug("Known-good PromQL"), "known-good-promql");
  assert.equal(githubSlug("`up_<job>` (why?)"), "up_job-why");
});

Deno.test("headingAnchors: repeats get -1, headings inside code fences are not headings", () => {
  const md = ["# Title", "## Alerts", "```sh", "# not a heading", "```", "## Alerts", "### FeedStalled ##"]
    .join("\n");
  assert.deepEqual(headingAnchors(md), ["title", "alerts", "alerts-1", "feedstalled"]);
});

Deno.test("fencedBlocks picks blocks by language with their line", () => {
  const md = ["text", "```promql", "up", "```", "```sh", "./tp oncall", "```", "```promql", "a", "b", "```"]
    .join(
      "\n",
    );
  assert.deepEqual(fencedBlocks(md, "promql").map((b) => [b.line, b.body]), [[2, "up"], [8, "a\nb"]]);
  assert.deepEqual(fencedBlocks(md).map((b) => b.lang), ["promql", "sh", "promql"]);
});
