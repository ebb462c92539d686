// The venue-neutral conformance checks (testing/binance_conformance.ts) against the trading double;
// the next step runs the same call against lib/sim's private API.
import { binanceConformance } from "../../testing/binance_conformance.ts";
import { KEY, limit, SECRET } from "../../testing/binance_connector.ts";
import { BinanceTradeDouble } from "../../testing/binance_trade_double.ts";

binanceConformance("trading double", () => {
  const d = new BinanceTradeDouble(KEY, SECRET);
  return Promise.resolve({
    restUrl: d.baseUrl,
    wsApiUrl: d.wsApiUrl,
    apiKey: KEY,
    secret: SECRET,
    resting: limit,
    close: () => d.close(),
  });
});
