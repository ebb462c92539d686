// GET /metrics and GET /health as a plain (Request) => Response; other paths 404, other methods 405.
import { getOnlyRouter, type Handler, json } from "../http/serve.ts";
import type { ExporterState } from "./metrics_state.ts";
import type { Tailer } from "./tailer.ts";
import { type Identity, METRICS_CONTENT_TYPE, renderMetrics } from "./render_metrics.ts";

export interface ExporterView {
  readonly state: ExporterState;
  readonly tailer: Pick<Tailer, "snapshot">;
  readonly identity: Identity;
}

/** The /health body: readiness (caught_up) and where the reader stands. */
export function healthBody(view: ExporterView): Record<string, unknown> {
  const t = view.tailer.snapshot();
  const s = view.state;
  return {
    ok: true,
    caught_up: t.caughtUp,
    file: t.path,
    file_present: t.filePresent,
    offset: t.offset,
    lag_bytes: t.lagBytes,
    partial_line_bytes: t.partialBytes,
    lines: s.lines,
    accepted: s.accepted,
    parse_errors: s.parseErrors,
    dropped: { ...s.dropped },
    run_ids: s.runs.size,
    max_run_ids: s.maxRunIds,
    rotations: { rename: t.renames, truncate: t.truncations },
    identity: { run_id: view.identity.runId, component: view.identity.component },
  };
}

export function exporterHandler(view: ExporterView): Handler {
  return getOnlyRouter({
    "/metrics": () =>
      new Response(renderMetrics(view.state, view.tailer.snapshot(), view.identity), {
        status: 200,
        headers: { "content-type": METRICS_CONTENT_TYPE },
      }),
    "/health": () => json(200, healthBody(view)),
  });
}
