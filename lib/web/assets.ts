// The page's static files: our own HTML/JS/CSS and uPlot's JS/CSS straight from the npm package
// (Deno's npm cache), loaded once with the module graph. No CDN, nothing fetched at runtime.
import uplotJs from "uplot/dist/uPlot.iife.min.js" with { type: "text" };
import uplotCss from "uplot/dist/uPlot.min.css" with { type: "text" };
import indexHtml from "./page/index.html" with { type: "text" };
import aiPanelJs from "./page/ai_panel.js" with { type: "text" };
import alertsPanelJs from "./page/alerts_panel.js" with { type: "text" };
import appJs from "./page/app.js" with { type: "text" };
import chartJs from "./page/chart.js" with { type: "text" };
import clientJs from "./page/client.js" with { type: "text" };
import evidencePanelJs from "./page/evidence_panel.js" with { type: "text" };
import feedPanelJs from "./page/feed_panel.js" with { type: "text" };
import renderJs from "./page/render.js" with { type: "text" };
import stackPanelJs from "./page/stack_panel.js" with { type: "text" };
import styleCss from "./page/style.css" with { type: "text" };

export interface Asset {
  readonly body: string;
  readonly contentType: string;
}

const js = (body: string): Asset => ({ body, contentType: "text/javascript; charset=utf-8" });
const css = (body: string): Asset => ({ body, contentType: "text/css; charset=utf-8" });

/** URL path -> file. The page references exactly these paths. "/" is the template first_paint.ts fills. */
export const ASSETS: Readonly<Record<string, Asset>> = Object.freeze({
  "/": { body: indexHtml, contentType: "text/html; charset=utf-8" },
  // The page's modules, served as written: plain JS whose types are JSDoc comments (checked by
  // `deno check`), so a fresh clone serves them without a build step.
  "/assets/app.js": js(appJs),
  "/assets/client.js": js(clientJs),
  "/assets/render.js": js(renderJs),
  "/assets/stack_panel.js": js(stackPanelJs),
  "/assets/alerts_panel.js": js(alertsPanelJs),
  "/assets/feed_panel.js": js(feedPanelJs),
  "/assets/chart.js": js(chartJs),
  "/assets/ai_panel.js": js(aiPanelJs),
  "/assets/evidence_panel.js": js(evidencePanelJs),
  "/assets/style.css": css(styleCss),
  "/assets/uplot.js": js(uplotJs),
  "/assets/uplot.css": css(uplotCss),
});

export function assetResponse(asset: Asset): Response {
  return new Response(asset.body, {
    status: 200,
    // Revalidate each load: cheap on loopback, and a restarted server never serves a stale page.
    headers: { "content-type": asset.contentType, "cache-control": "no-cache" },
  });
}
