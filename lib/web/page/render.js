// @ts-check
// The page's panels as plain trees, shared by the server (first paint, as escaped HTML) and the browser
// (live updates, as DOM nodes via client.js): one renderer, so the first paint and every later update
// look alike. Every value is a text node or an escaped attribute, so upstream strings cannot inject
// markup. Plain JS checked by `deno check` (JSDoc types), served as written: no build step.
/** @import { SourceReport } from "../upstream.ts" */

/** @typedef {string | number | TreeNode} Child A node's child: an element or its text. */
/**
 * An element: `text` in props is its text content, `class` its class, the rest attributes.
 * @typedef {{ readonly tag: string, readonly props: Readonly<Record<string, string>>,
 *   readonly children: readonly Child[] }} TreeNode
 */
/**
 * One panel: its body nodes, its heading's summary text (when it has one), and for the feed the pairs
 * the chart can show.
 * @typedef {{ readonly body: readonly TreeNode[], readonly summary?: string,
 *   readonly pairs?: readonly string[] }} Panel
 */

/**
 * @param {string} tag
 * @param {Readonly<Record<string, string>> | null} [props]
 * @param {Child[]} children
 * @returns {TreeNode}
 */
export function h(tag, props, ...children) {
  return { tag, props: props ?? {}, children };
}

/** @type {Readonly<Record<string, string>>} */
const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
/** @param {unknown} s */
export const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ESC[c]);

/**
 * Server side: the tree as HTML.
 * @param {Child | readonly Child[] | null | undefined} node
 * @returns {string}
 */
export function toHtml(node) {
  if (node === null || node === undefined) return "";
  if (typeof node !== "object") return escapeHtml(node);
  if (Array.isArray(node)) return node.map(toHtml).join("");
  const el = /** @type {TreeNode} */ (node);
  let attrs = "";
  let inner = "";
  for (const [k, v] of Object.entries(el.props)) {
    if (k === "text") inner = escapeHtml(v);
    else attrs += ` ${k}="${escapeHtml(v)}"`;
  }
  return `<${el.tag}${attrs}>${inner}${el.children.map(toHtml).join("")}</${el.tag}>`;
}

/**
 * A number for a table cell: grouped, at most `digits` decimals, "—" when missing.
 * @param {number | null | undefined} v
 * @param {number} [digits]
 */
export function fmt(v, digits = 2) {
  if (v === null || v === undefined || Number.isNaN(v)) return "—";
  return Number(v).toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** @param {boolean} ok @param {string} yes @param {string} no */
export function badge(ok, yes, no) {
  return h("span", { class: `badge ${ok ? "ok" : "bad"}`, text: ok ? yes : no });
}

/**
 * @param {readonly string[]} headers
 * @param {readonly (readonly Child[])[]} rows
 * @param {readonly number[]} [numeric] indexes of the right-aligned columns
 */
export function table(headers, rows, numeric = []) {
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

/** @param {SourceReport | null | undefined} report */
export function sourceLine(report) {
  if (!report) return h("span", { class: "muted", text: "no source" });
  if (report.ok) {
    return h("span", { class: "muted", text: `${report.source} ${fmt(report.latencyMs, 1)} ms` });
  }
  return h("span", { class: "err", text: `${report.source} unreachable: ${report.error}` });
}

/**
 * The header's reachability pill of one upstream.
 * @param {string} name
 * @param {SourceReport | null | undefined} report
 */
export function pill(name, report) {
  const ok = report?.ok === true;
  const title = ok ? `${fmt(report.latencyMs, 1)} ms` : (report?.error ?? "no answer");
  const props = { class: `badge ${ok ? "ok" : "bad"}`, title, "data-pill": name };
  return h("span", props, `${name} ${ok ? "up" : "unreachable"}`);
}
