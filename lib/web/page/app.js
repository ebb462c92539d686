// peak_trade_web page: polls the read-only /api endpoints and renders them. Vanilla JS + uPlot.
// Every value is inserted as text (never HTML), so upstream strings cannot inject markup.
"use strict";

const POLL_MS = 5000;
const EVIDENCE_POLL_MS = 15000;
const CHART_BARS = 120;

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function fmt(v, digits = 2) {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  return Number(v).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

function badge(ok, yes, no) {
  return el("span", { class: `badge ${ok ? "ok" : "bad"}`, text: ok ? yes : no });
}

function table(headers, rows, numeric = []) {
  const thead = el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", { text: h }))));
  const tbody = el("tbody");
  for (const r of rows) {
    tbody.append(el("tr", {}, ...r.map((c, i) => el("td", numeric.includes(i) ? { class: "num" } : {}, c))));
  }
  return el("table", {}, thead, tbody);
}

function sourceLine(report) {
  if (!report) return el("span", { class: "muted", text: "no source" });
  if (report.ok) {
    return el("span", { class: "muted", text: `${report.source} ${fmt(report.latencyMs, 1)} ms` });
  }
  return el("span", { class: "err", text: `${report.source} unreachable: ${report.error}` });
}

function setBody(id, ...nodes) {
  document.querySelector(`#${id} .body`).replaceChildren(...nodes);
}

async function getJson(path) {
  const res = await fetch(path, { cache: "no-store" });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return await res.json();
}

const pills = new Map();
function pill(name, report) {
  const ok = report?.ok === true;
  const title = ok ? `${fmt(report.latencyMs, 1)} ms` : (report?.error ?? "no answer");
  pills.set(
    name,
    el("span", { class: `badge ${ok ? "ok" : "bad"}`, title }, `${name} ${ok ? "up" : "unreachable"}`),
  );
  document.getElementById("sources").replaceChildren(...pills.values());
}

function renderStack(s) {
  pill("prometheus", s.sources.prometheus);
  pill("alertmanager", s.sources.alertmanager);
  document.getElementById("stack-summary").textContent = `${s.jobsUp} up, ${s.jobsDown} down`;
  const rows = s.jobs.map((j) => [
    j.job,
    j.instance,
    j.up === null ? el("span", { class: "badge warn", text: "unknown" }) : badge(j.up, "UP", "DOWN"),
    j.lastScrape ? new Date(j.lastScrape).toLocaleTimeString() : "—",
    el("span", { class: "err", text: j.lastError }),
  ]);
  const body = s.sources.up.ok
    ? table(["job", "instance", "state", "last scrape", "error"], rows)
    : el("p", { class: "err", text: `Prometheus unreachable: ${s.sources.up.error}` });
  setBody("stack", body, ...(s.sources.up.ok ? [el("div", { class: "sub" }, sourceLine(s.sources.up))] : []));
}

function renderAlerts(a) {
  let body;
  if (!a.source.ok) body = el("p", { class: "err", text: `Alertmanager unreachable: ${a.source.error}` });
  else if (a.alerts.length === 0) body = el("p", {}, badge(true, "no alerts firing", ""));
  else {
    body = table(
      ["alert", "severity", "since", "summary"],
      a.alerts.map((x) => [x.name, x.severity, new Date(x.startsAt).toLocaleString(), x.summary]),
    );
  }
  // The reason is already in the body when Alertmanager failed; the source line is for a healthy one.
  setBody("alerts", body, ...(a.source.ok ? [el("div", { class: "sub" }, sourceLine(a.source))] : []));
}

let feedPairs = [];
function renderFeed(f) {
  pill("feed", f.source);
  document.getElementById("feed-interval").textContent = `interval ${f.interval}`;
  const rows = f.rows.map((r) => {
    const b = r.lastBar;
    const ft = b?.features ?? {};
    const m = r.metrics;
    return [
      r.venue,
      r.symbol,
      b ? new Date(b.openTimeMs).toISOString().slice(11, 16) : "—",
      b ? fmt(b.c, 4) : "—",
      fmt(ft.ema_12),
      fmt(ft.ema_26),
      fmt(ft.rsi_14),
      fmt(ft.atr_14),
      fmt(ft.vwap_session_utc),
      fmt(m.p99LatencyMs, 1),
      fmt(m.barsPerMinute, 2),
      fmt(m.reconnects, 0),
      fmt(m.gaps, 0),
      fmt(m.nanRecords, 0),
      fmt(m.divergenceBps, 1),
      !r.source.ok
        ? el("span", { class: "err", title: r.source.error, text: "unreachable" })
        : r.health?.status === "degraded"
        // What the feed's /health says about this row (a link down, a stale symbol, the clock in doubt).
        ? el("span", { class: "badge bad", title: r.health.reasons.join("; "), text: "degraded" })
        : badge(true, "ok", ""),
    ];
  });
  const failed = Object.entries(f.queries).filter(([, q]) => !q.report.ok);
  setBody(
    "feed",
    table(
      [
        "venue",
        "symbol",
        "bar",
        "close",
        "EMA12",
        "EMA26",
        "RSI14",
        "ATR14",
        "VWAP",
        "p99 ms",
        "bars/min",
        "reconn",
        "gaps",
        "NaN",
        "div bps (symbol)",
        "feed",
      ],
      rows,
      [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
    ),
    ...failed.map(([name, q]) =>
      el("p", { class: "err", text: `${name}: Prometheus unreachable: ${q.report.error}` })
    ),
  );
  const pairs = f.rows.map((r) => `${r.venue}/${r.symbol}`);
  if (pairs.join() !== feedPairs.join()) {
    feedPairs = pairs;
    const select = document.getElementById("pair");
    const keep = select.value;
    select.replaceChildren(...pairs.map((p) => el("option", { value: p, text: p })));
    if (pairs.includes(keep)) select.value = keep;
    void tick("chart", refreshChart);
  }
}

function seriesTable(title, q, labelNames, valueName, digits) {
  const rows = q.series.map((s) => [...labelNames.map((l) => s.labels[l] ?? ""), fmt(s.value, digits)]);
  const body = !q.report.ok
    ? el("p", { class: "err", text: `Prometheus unreachable: ${q.report.error}` })
    : rows.length === 0
    ? el("p", { class: "muted", text: "no series" })
    : table([...labelNames, valueName], rows, [labelNames.length]);
  return el("div", {}, el("h3", { class: "muted", text: title }), body);
}

function renderAi(a) {
  const labelsOf = (q) => [...new Set(q.series.flatMap((s) => Object.keys(s.labels)))].sort();
  const p95 = a.decisionLatencyP95Ms.series[0]?.value ?? null;
  const p99 = a.decisionLatencyP99Ms.series[0]?.value ?? null;
  setBody(
    "ai",
    el(
      "div",
      { class: "cols" },
      seriesTable("decisions per run", a.decisions, ["run_id"], "decisions", 0),
      seriesTable("actions per run", a.actions, ["run_id"], "actions", 0),
      seriesTable("last event age", a.lastEventAgeSeconds, labelsOf(a.lastEventAgeSeconds), "age s", 1),
      el(
        "div",
        {},
        el("h3", { class: "muted", text: "decision latency" }),
        table(["quantile", "ms"], [["p95", fmt(p95, 1)], ["p99", fmt(p99, 1)]], [1]),
      ),
      seriesTable("parse errors", a.parseErrors, labelsOf(a.parseErrors), "errors", 0),
      seriesTable("dropped events", a.dropped, labelsOf(a.dropped), "dropped", 0),
    ),
  );
}

function renderEvidence(e) {
  document.getElementById("evidence-summary").textContent = e.exists
    ? `${e.folders.length} of ${e.total} proof folders in ${e.root}`
    : `${e.root} does not exist yet`;
  const rows = e.folders.map((f) => [
    f.name,
    f.stampUtc,
    f.verdict
      ? badge(f.verdict === "PASS", "PASS", "FAIL")
      : el("span", { class: "badge warn", text: "no verdict" }),
    f.hasManifest ? "manifest" : "—",
    el(
      "span",
      { class: "files" },
      ...f.files.map((file) =>
        el("a", {
          href: `/api/evidence/${encodeURIComponent(f.dir)}/${
            file.path.split("/").map(encodeURIComponent).join("/")
          }`,
          target: "_blank",
          rel: "noopener noreferrer",
          text: file.path,
        })
      ),
    ),
  ]);
  setBody("evidence", table(["proof", "stamp (UTC)", "verdict", "sha256", "files"], rows));
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
