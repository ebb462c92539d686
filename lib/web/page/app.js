// peak_trade_web page: the server paints the first snapshot (lib/web/first_paint.ts); this polls the
// read-only /api endpoints and renders each panel with the same renderers (*_panel.js), plus uPlot.
// Plain JS served as written (no build step). Browser only: its JSDoc types are checked against the
// DOM's by ./tp check (dom_check.json); the shared modules (render.js, *_panel.js) by `deno check .`.
import { aiPanel } from "./ai_panel.js";
import { alertsPanel } from "./alerts_panel.js";
import { refreshChart, updatePairs, watchChart } from "./chart.js";
import { el, getJson, setPill, show } from "./client.js";
import { evidencePanel } from "./evidence_panel.js";
import { feedPanel } from "./feed_panel.js";
import { stackPanel } from "./stack_panel.js";

const POLL_MS = 5000;
const EVIDENCE_POLL_MS = 15000;

async function loadStack() {
  const s = await getJson("/api/stack");
  setPill("prometheus", s.sources.prometheus);
  setPill("alertmanager", s.sources.alertmanager);
  show("stack", stackPanel(s), "stack-summary");
}

async function loadFeed() {
  const f = await getJson("/api/feed");
  setPill("feed", f.source);
  const panel = feedPanel(f);
  show("feed", panel, "feed-interval");
  if (updatePairs(panel.pairs)) void tick("chart", refreshChart);
}

const loadAlerts = async () => show("alerts", alertsPanel(await getJson("/api/alerts")));
const loadAi = async () => show("ai", aiPanel(await getJson("/api/ai")));
const loadEvidence = async () =>
  show("evidence", evidencePanel(await getJson("/api/evidence")), "evidence-summary");

/** Failures of the page's own server calls (not upstreams: those arrive as data), one line per panel. */
/** @type {Map<string, string>} */
const failures = new Map();

/**
 * Runs one panel's load and shows the banner of every panel that failed its last load.
 * @param {string} name
 * @param {() => Promise<void>} load
 */
async function tick(name, load) {
  try {
    await load();
    failures.delete(name);
  } catch (err) {
    failures.set(name, `${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const banner = el("#banner");
  banner.textContent = [...failures.values()].join(" · ");
  banner.hidden = failures.size === 0;
}

async function poll() {
  await Promise.all([
    tick("stack", loadStack),
    tick("alerts", loadAlerts),
    tick("feed", loadFeed),
    tick("ai", loadAi),
    tick("chart", refreshChart),
  ]);
  el("#updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
}

function start() {
  watchChart(() => void tick("chart", refreshChart));
  void poll();
  const evidence = () => tick("evidence", loadEvidence);
  void evidence();
  setInterval(() => void poll(), POLL_MS);
  setInterval(() => void evidence(), EVIDENCE_POLL_MS);
}

start();
