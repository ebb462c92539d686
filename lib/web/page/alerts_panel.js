// @ts-check
// The alerts panel: what Alertmanager says is firing (/api/alerts), oldest first.
import { badge, h, sourceLine, table } from "./render.js";
/** @import { AlertsView } from "../alerts_view.ts" */
/** @import { Panel, TreeNode } from "./render.js" */

/**
 * @param {AlertsView} a
 * @returns {Panel}
 */
export function alertsPanel(a) {
  /** @type {TreeNode} */
  let body;
  if (!a.source.ok) body = h("p", { class: "err", text: `Alertmanager unreachable: ${a.source.error}` });
  else if (a.alerts.length === 0) body = h("p", {}, badge(true, "no alerts firing", ""));
  else {
    body = table(
      ["alert", "severity", "since (UTC)", "summary"],
      a.alerts.map((
        x,
      ) => [
        x.name,
        x.severity,
        new Date(x.startsAt).toISOString().slice(0, 19).replace("T", " "),
        x.summary,
      ]),
    );
  }
  // The reason is already in the body when Alertmanager failed; the source line is for a healthy one.
  return { body: a.source.ok ? [body, h("div", { class: "sub" }, sourceLine(a.source))] : [body] };
}
