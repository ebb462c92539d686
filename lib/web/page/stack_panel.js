// @ts-check
// The stack panel: each scrape job's state from Prometheus `up` and targets (/api/stack).
import { badge, h, sourceLine, table } from "./render.js";
/** @import { StackView } from "../stack_view.ts" */
/** @import { Panel } from "./render.js" */

/** @param {string} iso @returns {string} HH:MM:SS (UTC) */
const time = (iso) => new Date(iso).toISOString().slice(11, 19);

/**
 * @param {StackView} s
 * @returns {Panel}
 */
export function stackPanel(s) {
  const rows = s.jobs.map((j) => [
    j.job,
    j.instance,
    j.up === null ? h("span", { class: "badge warn", text: "unknown" }) : badge(j.up, "UP", "DOWN"),
    j.lastScrape ? time(j.lastScrape) : "—",
    h("span", { class: "err", text: j.lastError }),
  ]);
  const body = s.sources.up.ok
    ? [
      table(["job", "instance", "state", "last scrape (UTC)", "error"], rows),
      h("div", { class: "sub" }, sourceLine(s.sources.up)),
    ]
    : [h("p", { class: "err", text: `Prometheus unreachable: ${s.sources.up.error}` })];
  return { body, summary: `${s.jobsUp} up, ${s.jobsDown} down` };
}
