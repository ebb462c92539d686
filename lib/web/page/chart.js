// The price panel: one pair's closes with EMA 12/26 and SMA 20 (/api/bars) in uPlot, and the pair
// picker, whose options follow the feed panel's pairs.
// Browser only: its JSDoc types are checked against the DOM's by ./tp check (dom_check.json).
import { el, getJson, toDom } from "./client.js";
import { fmt, h } from "./render.js";
/** @import UPlot from "uplot" */
/** @import { FeedBar } from "../feed_view.ts" */

const CHART_BARS = 120;
const HEIGHT = 300;

/** uPlot's constructor: its IIFE build (/assets/uplot.js, a deferred script before ours) is a global. */
const uPlotClass = () => /** @type {{ uPlot: typeof UPlot }} */ (/** @type {unknown} */ (globalThis)).uPlot;

const pairSelect = () => /** @type {HTMLSelectElement} */ (el("#pair"));

/** @type {UPlot | null} */
let plot = null;
let plotKey = "";

/** Draws the selected pair: new data into the same plot, or a new plot when the pair changed. */
export async function refreshChart() {
  const pair = pairSelect().value;
  if (!pair) return;
  const [venue, symbol] = pair.split("/");
  const r = await getJson("/api/bars", { venue, symbol, limit: String(CHART_BARS) });
  const status = el("#chart-status");
  const last = r.bars.at(-1);
  status.textContent = r.source.ok
    ? `${r.bars.length} bars, ${r.interval}, close ${last ? fmt(last.c, 4) : "—"}`
    : `feed unreachable: ${r.source.error}`;
  status.className = r.source.ok ? "muted" : "err";
  /** @param {keyof NonNullable<FeedBar["features"]>} name */
  const f = (name) => r.bars.map((b) => b.features?.[name] ?? null);
  /** @type {UPlot.AlignedData} */
  const data = [
    r.bars.map((b) => b.openTimeMs / 1000),
    r.bars.map((b) => b.c),
    f("ema_12"),
    f("ema_26"),
    f("sma_20"),
  ];
  const box = el("#chart");
  if (plot && plotKey === pair) {
    plot.setData(data);
    return;
  }
  plot?.destroy();
  plotKey = pair;
  const axis = { stroke: "#8a94a3", grid: { stroke: "#2b323c" }, ticks: { stroke: "#2b323c" } };
  const uPlot = uPlotClass();
  plot = new uPlot(
    {
      width: Math.max(300, box.clientWidth),
      height: HEIGHT,
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

/** @type {readonly string[]} */
let feedPairs = [];

/**
 * The picker's options as the feed panel's pairs, keeping the selection when it is still there.
 * @param {readonly string[]} pairs
 * @returns {boolean} whether they changed (the chart then needs a refresh)
 */
export function updatePairs(pairs) {
  if (pairs.join() === feedPairs.join()) return false;
  feedPairs = pairs;
  const select = pairSelect();
  const keep = select.value;
  select.replaceChildren(...pairs.map((p) => toDom(h("option", { value: p, text: p }), document)));
  if (pairs.includes(keep)) select.value = keep;
  return true;
}

/**
 * Refreshes on a pick (through `refresh`, which reports failures) and follows the box's width.
 * @param {() => void} refresh
 */
export function watchChart(refresh) {
  pairSelect().addEventListener("change", refresh);
  new ResizeObserver(() =>
    plot?.setSize({ width: Math.max(300, plot.root.parentElement?.clientWidth ?? 0), height: HEIGHT })
  )
    .observe(el("#chart"));
}
