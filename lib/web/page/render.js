// The page's panels as plain trees, shared by the server (first paint, as escaped HTML) and the browser
// (live updates, as DOM nodes): one renderer, so the first paint and every later update look alike.
// Every value is a text node or an escaped attribute, so upstream strings cannot inject markup.

/** A tree node: `{ tag, props, children }`; children are nodes, strings or numbers. */
export function h(tag, props, ...children) {
  return { tag, props: props ?? {}, children };
}

const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ESC[c]);

/** Server side: the tree as HTML. `text` is the node's text content, `class` its class. */
export function toHtml(node) {
  if (node === null || node === undefined) return "";
  if (typeof node !== "object") return escapeHtml(node);
  if (Array.isArray(node)) return node.map(toHtml).join("");
  let attrs = "";
  let inner = "";
  for (const [k, v] of Object.entries(node.props)) {
    if (k === "text") inner = escapeHtml(v);
    else attrs += ` ${k}="${escapeHtml(v)}"`;
  }
  return `<${node.tag}${attrs}>${inner}${node.children.map(toHtml).join("")}</${node.tag}>`;
}

/** Browser side: the tree as DOM nodes. */
export function toDom(node, doc) {
  if (typeof node !== "object") return doc.createTextNode(String(node));
  const el = doc.createElement(node.tag);
  for (const [k, v] of Object.entries(node.props)) {
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v);
  }
  for (const c of node.children) el.append(toDom(c, doc));
  return el;
}

export function fmt(v, digits = 2) {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  return Number(v).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

const time = (iso) => new Date(iso).toISOString().slice(11, 19);

function badge(ok, yes, no) {
  return h("span", { class: `badge ${ok ? "ok" : "bad"}`, text: ok ? yes : no });
}

function table(headers, rows, numeric = []) {
  const thead = h("thead", {}, h("tr", {}, ...headers.map((x) => h("th", { text: x }))));
  const tbody = h(
    "tbody",
    {},
    ...rows.map((r) =>
      h("tr", {}, ...r.map((c, i) => h("td", numeric.includes(i) ? { class: "num" } : {}, c)))
    ),
  );
  return h("table", {}, thead, tbody);
}

function sourceLine(report) {
  if (!report) return h("span", { class: "muted", text: "no source" });
  if (report.ok) {
    return h("span", { class: "muted", text: `${report.source} ${fmt(report.latencyMs, 1)} ms` });
  }
  return h("span", { class: "err", text: `${report.source} unreachable: ${report.error}` });
}

/** The header's reachability pill of one upstream. */
export function pill(name, report) {
  const ok = report?.ok === true;
  const title = ok ? `${fmt(report.latencyMs, 1)} ms` : (report?.error ?? "no answer");
  const props = { class: `badge ${ok ? "ok" : "bad"}`, title, "data-pill": name };
  return h("span", props, `${name} ${ok ? "up" : "unreachable"}`);
}

/** Each panel: its body nodes and the text of its heading's summary span (when it has one). */
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

export function alertsPanel(a) {
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

const FEED_HEADERS = [
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
];

export function feedPanel(f) {
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
        ? h("span", { class: "err", title: r.source.error, text: "unreachable" })
        : r.health?.status === "degraded"
        // What the feed's /health says about this row (a link down, a stale symbol, the clock in doubt).
        ? h("span", { class: "badge bad", title: r.health.reasons.join("; "), text: "degraded" })
        : badge(true, "ok", ""),
    ];
  });
  const failed = Object.entries(f.queries).filter(([, q]) => !q.report.ok);
  return {
    body: [
      table(FEED_HEADERS, rows, [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]),
      ...failed.map(([name, q]) =>
        h("p", { class: "err", text: `${name}: Prometheus unreachable: ${q.report.error}` })
      ),
    ],
    summary: `interval ${f.interval}`,
    pairs: f.rows.map((r) => `${r.venue}/${r.symbol}`),
  };
}

function seriesTable(title, q, labelNames, valueName, digits) {
  const rows = q.series.map((s) => [...labelNames.map((l) => s.labels[l] ?? ""), fmt(s.value, digits)]);
  const body = !q.report.ok
    ? h("p", { class: "err", text: `Prometheus unreachable: ${q.report.error}` })
    : rows.length === 0
    ? h("p", { class: "muted", text: "no series" })
    : table([...labelNames, valueName], rows, [labelNames.length]);
  return h("div", {}, h("h3", { class: "muted", text: title }), body);
}

export function aiPanel(a) {
  const labelsOf = (q) => [...new Set(q.series.flatMap((s) => Object.keys(s.labels)))].sort();
  const p95 = a.decisionLatencyP95Ms.series[0]?.value ?? null;
  const p99 = a.decisionLatencyP99Ms.series[0]?.value ?? null;
  return {
    body: [h(
      "div",
      { class: "cols" },
      seriesTable("decisions per run", a.decisions, ["run_id"], "decisions", 0),
      seriesTable("actions per run", a.actions, ["run_id"], "actions", 0),
      seriesTable("last event age", a.lastEventAgeSeconds, labelsOf(a.lastEventAgeSeconds), "age s", 1),
      h(
        "div",
        {},
        h("h3", { class: "muted", text: "decision latency" }),
        table(["quantile", "ms"], [["p95", fmt(p95, 1)], ["p99", fmt(p99, 1)]], [1]),
      ),
      seriesTable("parse errors", a.parseErrors, labelsOf(a.parseErrors), "errors", 0),
      seriesTable("dropped events", a.dropped, labelsOf(a.dropped), "dropped", 0),
    )],
  };
}

export function evidencePanel(e) {
  const rows = e.folders.map((f) => [
    f.name,
    f.stampUtc,
    f.verdict
      ? badge(f.verdict === "PASS", "PASS", "FAIL")
      : h("span", { class: "badge warn", text: "no verdict" }),
    f.hasManifest ? "manifest" : "—",
    h(
      "span",
      { class: "files" },
      ...f.files.map((file) =>
        h("a", {
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
  return {
    body: [table(["proof", "stamp (UTC)", "verdict", "sha256", "files"], rows)],
    summary: e.exists
      ? `${e.folders.length} of ${e.total} proof folders in ${e.root}`
      : `${e.root} does not exist yet`,
  };
}
