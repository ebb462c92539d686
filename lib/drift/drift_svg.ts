// One feature's histogram pair as a plain SVG file: per reference-quantile bin, the share of the
// reference and of the current window side by side, with PSI and the null baseline in the title.
// Hand-written markup (no chart library): any browser or image viewer opens it. Pure.
import type { FeatureDrift } from "./judge.ts";

const W = 640, H = 340, LEFT = 56, RIGHT = 16, TOP = 56, BOTTOM = 64;
const REF_COLOR = "#4c78a8", CUR_COLOR = "#f58518";

const esc = (s: string) =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
const num = (x: number) => Number(x.toPrecision(4)).toString();
const pct = (x: number) => `${Number((x * 100).toFixed(1))}%`;

/** The bin's range as text: (-inf, e0], (e0, e1], ..., (e_last, +inf). */
function binRange(edges: readonly number[], i: number): string {
  const lo = i === 0 ? "-inf" : num(edges[i - 1]);
  return i === edges.length ? `(${lo}, +inf)` : `(${lo}, ${num(edges[i])}]`;
}

export function histogramSvg(d: FeatureDrift, what: string): string {
  const nb = d.refCounts.length;
  const ref = d.refCounts.map((c) => c / d.nRef), cur = d.curCounts.map((c) => c / d.nCur);
  const top = Math.max(...ref, ...cur, 1e-9);
  const plotW = W - LEFT - RIGHT, plotH = H - TOP - BOTTOM;
  const groupW = plotW / nb, barW = groupW * 0.38;
  const y = (p: number) => TOP + plotH - (p / top) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
    `font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="18" font-size="14" font-weight="bold">${esc(d.feature)}: PSI ${num(d.psi)} ` +
    `(null p95 ${num(d.nullP95)})${d.flagged ? " FLAGGED" : ""}</text>`,
    `<text x="${LEFT}" y="34">${esc(what)}; reference n=${d.nRef}, current n=${d.nCur}; ` +
    `${nb} bins on reference quantiles</text>`,
    `<rect x="${W - RIGHT - 170}" y="40" width="10" height="10" fill="${REF_COLOR}"/>`,
    `<text x="${W - RIGHT - 156}" y="49">reference</text>`,
    `<rect x="${W - RIGHT - 90}" y="40" width="10" height="10" fill="${CUR_COLOR}"/>`,
    `<text x="${W - RIGHT - 76}" y="49">current</text>`,
    `<line x1="${LEFT}" y1="${TOP + plotH}" x2="${W - RIGHT}" y2="${TOP + plotH}" stroke="#333"/>`,
    `<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${TOP + plotH}" stroke="#333"/>`,
  ];
  for (const p of [0, top / 2, top]) {
    out.push(
      `<text x="${LEFT - 4}" y="${(y(p) + 4).toFixed(1)}" text-anchor="end">${pct(p)}</text>`,
      `<line x1="${LEFT - 2}" y1="${y(p).toFixed(1)}" x2="${LEFT}" y2="${y(p).toFixed(1)}" stroke="#333"/>`,
    );
  }
  for (let i = 0; i < nb; i++) {
    const x0 = LEFT + i * groupW + groupW * 0.12;
    const range = esc(binRange(d.edges, i));
    for (
      const [k, share, count, color] of [[0, ref[i], d.refCounts[i], REF_COLOR], [
        1,
        cur[i],
        d.curCounts[i],
        CUR_COLOR,
      ]] as const
    ) {
      const x = x0 + k * barW;
      out.push(
        `<rect x="${x.toFixed(1)}" y="${y(share).toFixed(1)}" width="${barW.toFixed(1)}" ` +
          `height="${(TOP + plotH - y(share)).toFixed(1)}" fill="${color}">` +
          `<title>${k === 0 ? "reference" : "current"} ${range}: ${count} (${pct(share)})</title></rect>`,
      );
    }
    const cx = LEFT + (i + 0.5) * groupW;
    out.push(`<text x="${cx.toFixed(1)}" y="${TOP + plotH + 14}" text-anchor="middle">${i + 1}</text>`);
  }
  out.push(
    `<text x="${LEFT + plotW / 2}" y="${H - 24}" text-anchor="middle">bin (hover a bar for its range)</text>`,
    `<text x="${LEFT}" y="${H - 8}" fill="#555">edges: ${
      esc(d.edges.map(num).join(", ") || "(one bin)")
    }</text>`,
    "</svg>",
  );
  return out.join("\n") + "\n";
}
