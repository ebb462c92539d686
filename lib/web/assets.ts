// The page's static files: our own HTML/JS/CSS and uPlot's JS/CSS straight from the npm package
// (Deno's npm cache), loaded once with the module graph. No CDN, nothing fetched at runtime.
import uplotJs from "uplot/dist/uPlot.iife.min.js" with { type: "text" };
import uplotCss from "uplot/dist/uPlot.min.css" with { type: "text" };
import indexHtml from "./page/index.html" with { type: "text" };
import appJs from "./page/app.js" with { type: "text" };
import renderJs from "./page/render.js" with { type: "text" };
import styleCss from "./page/style.css" with { type: "text" };

export interface Asset {
  readonly body: string;
  readonly contentType: string;
}

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

/** URL path -> file. The page references exactly these paths. "/" is the template first_paint.ts fills. */
export const ASSETS: Readonly<Record<string, Asset>> = Object.freeze({
  "/": { body: indexHtml, contentType: "text/html; charset=utf-8" },
  "/assets/app.js": { body: appJs, contentType: JS },
  "/assets/render.js": { body: renderJs, contentType: JS },
  "/assets/style.css": { body: styleCss, contentType: CSS },
  "/assets/uplot.js": { body: uplotJs, contentType: JS },
  "/assets/uplot.css": { body: uplotCss, contentType: CSS },
});

export function assetResponse(asset: Asset): Response {
  return new Response(asset.body, {
    status: 200,
    // Revalidate each load: cheap on loopback, and a restarted server never serves a stale page.
    headers: { "content-type": asset.contentType, "cache-control": "no-cache" },
  });
}
