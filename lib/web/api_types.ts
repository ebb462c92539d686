// The JSON each /api route answers, one type per path. The server's route table is typed with it
// (app.ts) and the page's fetch helper reads it (page/client.js), so the page and the server cannot
// drift: a change to a view's shape fails `deno check` on whichever side no longer fits.
import type { AiView } from "./ai_view.ts";
import type { AlertsView } from "./alerts_view.ts";
import type { EvidenceView } from "./evidence.ts";
import type { FeedBar, FeedView } from "./feed_view.ts";
import type { StackView } from "./stack_view.ts";
import type { SourceReport } from "./upstream.ts";

/** /api/bars: one pair's bars (oldest first) as the feed answered, with the query that was asked. */
export interface BarsView {
  readonly venue: string;
  readonly symbol: string;
  readonly interval: string;
  readonly source: SourceReport;
  readonly bars: readonly FeedBar[];
}

export interface ApiResponses {
  readonly "/api/stack": StackView;
  readonly "/api/feed": FeedView;
  readonly "/api/bars": BarsView;
  readonly "/api/ai": AiView;
  readonly "/api/alerts": AlertsView;
  readonly "/api/evidence": EvidenceView;
}

export type ApiPath = keyof ApiResponses;
