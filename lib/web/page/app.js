// peak_trade_web page: the server paints the first snapshot (lib/web/first_paint.ts); this polls the
// read-only /api endpoints and renders them with the same renderer (render.js). Vanilla JS + uPlot.
import { aiPanel, alertsPanel, evidencePanel, feedPanel, fmt, h, pill, stackPanel, toDom } from "./render.js";

const POLL_MS = 5000;
const EVIDENCE_POLL_MS = 15000;
const CHART_BARS = 120;

/** Replaces a panel's body (and its heading summary, when it has one) with a rendered panel. */
function show(id, panel, summaryId) {
  document.querySelector(`#${id} .body`).replaceChildren(...panel.body.map((n) => toDom(n, document)));
  if (summaryId) document.getElementById(summaryId).textContent = panel.summary;
}

async function getJson(path) {
  const res = await fetch(path, { cache: "no-store" });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return await res.json();
}

/** Replaces one header pill in place (the server painted them), or adds it. */
function setPill(name, report) {
  const node = toDom(pill(name, report), document);
  const sources = document.getElementById("sources");
  const old = sources.querySelector(`[data-pill="${name}"]`);
  if (old) old.replaceWith(node);
  else sources.append(node);
}

function renderStack(s) {
  setPill("prometheus", s.sources.prometheus);
  setPill("alertmanager", s.sources.alertmanager);
  show("stack", stackPanel(s), "stack-summary");
}

const renderAlerts = (a) => show("alerts", alertsPanel(a));
const renderAi = (a) => show("ai", aiPanel(a));
const renderEvidence = (e) => show("evidence", evidencePanel(e), "evidence-summary");

let feedPairs = [];
function renderFeed(f) {
  setPill("feed", f.source);
  const panel = feedPanel(f);
  show("feed", panel, "feed-interval");
  if (panel.pairs.join() !== feedPairs.join()) {
    feedPairs = panel.pairs;
    const select = document.getElementById("pair");
    const keep = select.value;
    select.replaceChildren(...panel.pairs.map((p) => toDom(h("option", { value: p, text: p }), document)));
    if (panel.pairs.includes(keep)) select.value = keep;
    void tick("chart", refreshChart);
  }
}

let plot = null;
let plotKey = "";
async function refreshChart() {
  const pair = document.getElementById("pair").value;
  if (!pair) return;
  const [venue, symbol] = pair.split("/");
  const q = new URLSearchParams({ venue, symbol, limit: String(CHART_BARS) });
  const r = await getJson(`/api/bars?${q}`);
  const status = document.getElementById("chart-status");
  status.textContent = r.source.ok
    ? `${r.bars.length} bars, ${r.interval}, close ${r.bars.length ? fmt(r.bars.at(-1).c, 4) : "—"}`
    : `feed unreachable: ${r.source.error}`;
  status.className = r.source.ok ? "muted" : "err";
  const f = (name) => r.bars.map((b) => b.features?.[name] ?? null);
  const data = [
    r.bars.map((b) => b.openTimeMs / 1000),
    r.bars.map((b) => b.c),
    f("ema_12"),
    f("ema_26"),
    f("sma_20"),
  ];
  const box = document.getElementById("chart");
  if (plot && plotKey === pair) {
    plot.setData(data);
    return;
  }
  plot?.destroy();
  plotKey = pair;
  const axis = { stroke: "#8a94a3", grid: { stroke: "#2b323c" }, ticks: { stroke: "#2b323c" } };
  plot = new uPlot(
    {
      width: Math.max(300, box.clientWidth),
      height: 300,
      scales: { x: { time: true } },
      series: [
        {},
        { label: `${pair} close`, stroke: "#d8dee6", width: 1.5, points: { show: false } },
        { label: "EMA 12", stroke: "#f0a030", width: 1, points: { show: false } },
        { label: "EMA 26", stroke: "#4a90e2", width: 1, points: { show: false } },
        { label: "SMA 20", stroke: "#7ed321", width: 1, dash: [4, 4], points: { show: false } },
      ],
      // Wider x tick spacing: uPlot's default packs "11:15pm11:20pm" together at this font size.
      axes: [{ ...axis, space: 90 }, { ...axis, size: 70 }],
    },
    data,
    box,
  );
}

// Failures of the page's own server calls (not upstreams: those arrive as data), one line per panel.
const failures = new Map();
async function tick(name, load) {
  try {
    await load();
    failures.delete(name);
  } catch (err) {
    failures.set(name, `${name}: ${err.message}`);
  }
  const banner = document.getElementById("banner");
  banner.textContent = [...failures.values()].join(" · ");
  banner.hidden = failures.size === 0;
}

async function poll() {
  await Promise.all([
    tick("stack", async () => renderStack(await getJson("/api/stack"))),
    tick("alerts", async () => renderAlerts(await getJson("/api/alerts"))),
    tick("feed", async () => renderFeed(await getJson("/api/feed"))),
    tick("ai", async () => renderAi(await getJson("/api/ai"))),
    tick("chart", refreshChart),
  ]);
  document.getElementById("updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
}

function start() {
  document.getElementById("pair").addEventListener("change", () => void tick("chart", refreshChart));
  new ResizeObserver(() =>
    plot?.setSize({ width: Math.max(300, plot.root.parentElement.clientWidth), height: 300 })
  )
    .observe(document.getElementById("chart"));
  void poll();
  const evidence = () => tick("evidence", async () => renderEvidence(await getJson("/api/evidence")));
  void evidence();
  setInterval(() => void poll(), POLL_MS);
  setInterval(() => void evidence(), EVIDENCE_POLL_MS);
}

start();
