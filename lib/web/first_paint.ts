// GET /: the page with the first snapshot already in it. The server asks every source once (each with
// the upstream deadline, so a dead one costs at most that and shows "unreachable") and renders the
// panels with the page's own renderer into the template's `<!--ssr:name-->` slots. A quick screenshot,
// a text browser or curl sees real values; the script then keeps them live.
import type { WebConfig } from "./config.ts";
import { listEvidence } from "./evidence.ts";
import { feedView } from "./feed_view.ts";
import { aiView } from "./ai_view.ts";
import { alertsView } from "./alerts_view.ts";
import { stackView } from "./stack_view.ts";
import type { UpstreamDeps } from "./upstream.ts";
import { aiPanel } from "./page/ai_panel.js";
import { alertsPanel } from "./page/alerts_panel.js";
import { evidencePanel } from "./page/evidence_panel.js";
import { feedPanel } from "./page/feed_panel.js";
import { escapeHtml, h, type Panel, pill, toHtml } from "./page/render.js";
import { stackPanel } from "./page/stack_panel.js";

/** One panel's HTML, or the reason it could not be rendered (the page still loads). */
async function settle<T>(
  name: string,
  load: () => Promise<T>,
  render: (v: T) => Panel,
): Promise<{ value: T | null; panel: Panel }> {
  try {
    const value = await load();
    return { value, panel: render(value) };
  } catch (err) {
    const msg = `${name}: ${err instanceof Error ? err.message : String(err)}`;
    return { value: null, panel: { body: [h("p", { class: "err", text: msg })] } };
  }
}

/** The template with every slot filled; `nowMs` stamps the header. */
export async function firstPaint(
  template: string,
  up: UpstreamDeps,
  cfg: WebConfig,
  nowMs: number,
): Promise<string> {
  const [stack, feed, ai, alerts, evidence] = await Promise.all([
    settle("stack", () => stackView(up, cfg), stackPanel),
    settle("feed", () => feedView(up, cfg), feedPanel),
    settle("ai", () => aiView(up, cfg.prometheusUrl), aiPanel),
    settle("alerts", () => alertsView(up, cfg.alertmanagerUrl), alertsPanel),
    settle("evidence", () => listEvidence(cfg.evidenceDir, cfg.evidenceLimit), evidencePanel),
  ]);
  const pills = [
    ...(stack.value ? [pill("prometheus", stack.value.sources.prometheus)] : []),
    ...(stack.value ? [pill("alertmanager", stack.value.sources.alertmanager)] : []),
    ...(feed.value ? [pill("feed", feed.value.source)] : []),
  ];
  const slots: Record<string, string> = {
    sources: toHtml(pills),
    updated: escapeHtml(`snapshot ${new Date(nowMs).toISOString().slice(11, 19)} UTC (server)`),
    stack: toHtml(stack.panel.body),
    "stack-summary": escapeHtml(stack.panel.summary ?? ""),
    alerts: toHtml(alerts.panel.body),
    feed: toHtml(feed.panel.body),
    "feed-summary": escapeHtml(feed.panel.summary ?? ""),
    pairs: toHtml((feed.panel.pairs ?? []).map((p) => h("option", { value: p, text: p }))),
    ai: toHtml(ai.panel.body),
    evidence: toHtml(evidence.panel.body),
    "evidence-summary": escapeHtml(evidence.panel.summary ?? ""),
  };
  // A function replacer: "$" in a value is literal text, never a replacement pattern.
  return template.replace(/<!--ssr:([a-z-]+)-->/g, (m, name: string) => slots[name] ?? m);
}
