// The browser's side of the renderer and the page's one way to read the server: trees become DOM
// nodes here, and every GET of the JSON API is typed by the server's own route types.
// Browser only: its JSDoc types are checked against the DOM's by ./tp check (dom_check.json).
import { pill } from "./render.js";
/** @import { ApiPath, ApiResponses } from "../api_types.ts" */
/** @import { Child, Panel } from "./render.js" */
/** @import { SourceReport } from "../upstream.ts" */

/**
 * GETs one API route, never from the cache. A non-2xx answer throws (the page's own server failed).
 * @template {ApiPath} P
 * @param {P} path
 * @param {Record<string, string>} [query]
 * @returns {Promise<ApiResponses[P]>}
 */
export async function getJson(path, query) {
  const url = query ? `${path}?${new URLSearchParams(query)}` : path;
  const res = await fetch(url, { cache: "no-store" });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return await res.json();
}

/**
 * The tree as DOM nodes.
 * @param {Child} node
 * @param {Document} doc
 * @returns {Node}
 */
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

/**
 * The page's element `selector` (index.html has every one the script uses).
 * @param {string} selector
 * @returns {HTMLElement}
 */
export function el(selector) {
  const found = document.querySelector(selector);
  if (!(found instanceof HTMLElement)) throw new Error(`${selector} is not on the page`);
  return found;
}

/**
 * Replaces a panel's body (and its heading summary, when it has one) with a rendered panel.
 * @param {string} id the panel's section
 * @param {Panel} panel
 * @param {string} [summaryId]
 */
export function show(id, panel, summaryId) {
  el(`#${id} .body`).replaceChildren(...panel.body.map((n) => toDom(n, document)));
  if (summaryId) el(`#${summaryId}`).textContent = panel.summary ?? null;
}

/**
 * Replaces one header pill in place (the server painted them), or adds it.
 * @param {string} name
 * @param {SourceReport | null} report
 */
export function setPill(name, report) {
  const node = toDom(pill(name, report), document);
  const sources = el("#sources");
  const old = sources.querySelector(`[data-pill="${name}"]`);
  if (old) old.replaceWith(node);
  else sources.append(node);
}
