// The shadow's bars over SSE from one feed (BUS_URL unset, the default): history from /api/bars before
// every connect, then /stream/bars resumed with Last-Event-ID after the last bar processed. Heartbeats
// carry the feed's own feedOk; other series on the stream still prove it alive.
import type { Logger } from "../log.ts";
import { barId, isForSeries, parseClosedBar, parseFeedHeartbeat, type SeriesKey } from "./feed_schema.ts";
import { FeedStream } from "./feed_stream.ts";
import { fetchHistory } from "./history.ts";
import type { ShadowConfig } from "./shadow_config.ts";
import type { ShadowRunner } from "./shadow_runner.ts";
import type { SseEvent } from "./sse_parser.ts";

export function sseBarSource(
  cfg: ShadowConfig,
  runner: ShadowRunner,
  log: Logger,
  random?: () => number,
): FeedStream {
  const onEvent = (ev: SseEvent) => {
    if (ev.event === "heartbeat") {
      const hb = parseJson(ev.data);
      const r = parseFeedHeartbeat(hb);
      if (r.ok) runner.feedHeartbeat(r.value);
      else {
        runner.invalidInput();
        log("warn", "invalid feed heartbeat", { error: r.ok ? "" : r.error });
      }
      return;
    }
    if (ev.event !== "bar") return;
    const raw = parseJson(ev.data);
    if (!isForSeries(raw, cfg.series)) {
      // Another series on the shared stream still proves the feed alive.
      if (raw !== undefined) runner.touch();
      else runner.invalidInput();
      return;
    }
    const r = parseClosedBar(raw);
    if (r.ok) runner.liveBar(r.value);
    else {
      runner.invalidInput();
      log("warn", "invalid bar", { id: ev.id, error: r.error });
    }
  };

  let failures = 0;
  const stream = new FeedStream(
    {
      url: streamUrl(cfg.feedUrl, cfg.series),
      backoffBaseMs: cfg.backoffBaseMs,
      backoffMaxMs: cfg.backoffMaxMs,
      random,
    },
    {
      async beforeConnect(signal) {
        runner.reconnects = stream.reconnects;
        const h = await fetchHistory(cfg.feedUrl, cfg.series, cfg.warmupBars, signal);
        if (h.dropped > 0) {
          log("warn", "history entries dropped", { dropped: h.dropped, first: h.firstError });
        }
        runner.history(h.bars);
        // Resume the stream after what we already hold (a feed that replays will skip ahead).
        const last = runner.lastProcessedOpenTimeMs;
        if (!stream.lastEventId && last !== null) stream.lastEventId = barId(cfg.series, last);
      },
      onOpen() {
        failures = 0;
        runner.streamOpened();
        log("info", "feed stream open", { last_event_id: stream.lastEventId || null });
      },
      onEvent,
      onClose(reason) {
        runner.streamClosed();
        // One line per outage, then at attempts 2, 4, 8, ...: a long outage must not flood the log.
        failures++;
        if ((failures & (failures - 1)) === 0) {
          log("warn", "feed stream closed; no decisions until it is back", { reason, failures });
        }
      },
    },
  );
  return stream;
}

/** The feed filters server-side when it can; we filter again client-side, so a feed that ignores it is fine. */
export function streamUrl(feedUrl: string, k: SeriesKey): string {
  const u = new URL("/stream/bars", feedUrl);
  u.searchParams.set("venue", k.venue);
  u.searchParams.set("symbol", k.symbol);
  u.searchParams.set("interval", k.interval);
  return u.href;
}

function parseJson(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
