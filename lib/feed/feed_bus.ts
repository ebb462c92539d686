// Opens the feed's market bus from its config: nothing at all when BUS_URL is unset (no connection is
// attempted, the feed is what it was), else a JetStream connection with both streams ensured, wrapped
// in the publisher the service hands trades and bars to. The bus must answer at start; after that an
// outage only fills the outbox, whose depth /metrics shows.
import type { BusConfig } from "../bus/bus_config.ts";
import { JetStreamBus } from "../bus/jetstream_bus.ts";
import type { MarketBus } from "../bus/market_bus.ts";
import type { Logger } from "../log.ts";
import { EnvironmentError } from "../util/errors.ts";
import { FeedBusPublisher } from "./bus_publisher.ts";

export interface OpenFeedBusOptions {
  readonly log: Logger;
  /** How the bus is opened (default: JetStream at config.url); tests pass their own. */
  readonly open?: (
    config: BusConfig,
    onRetry: (err: unknown, failures: number) => void,
  ) => Promise<MarketBus>;
}

/** Resends are counted by the outbox; the log hears of the first failure of each publish only. */
function retryLogger(log: Logger) {
  return (err: unknown, failures: number) => {
    if (failures === 1) {
      log("warn", "bus publish failed; sending again with the same id", { error: String(err) });
    }
  };
}

export async function openFeedBus(
  config: BusConfig,
  opts: OpenFeedBusOptions,
): Promise<FeedBusPublisher | null> {
  if (config.url === null) return null;
  const open = opts.open ?? ((c, onRetry) => JetStreamBus.open(c, { onRetry }));
  let bus: MarketBus;
  try {
    bus = await open(config, retryLogger(opts.log));
  } catch (err) {
    throw new EnvironmentError(
      `the market bus at BUS_URL=${config.url} did not answer at start: ${
        err instanceof Error ? err.message : err
      }`,
    );
  }
  opts.log("info", "publishing to the market bus", {
    url: config.url,
    streams: [config.trades.name, config.bars.name],
    outboxCapacity: config.outbox.capacity,
  });
  return new FeedBusPublisher(bus, { capacity: config.outbox.capacity, log: opts.log });
}
