import assert from "node:assert/strict";
import type { Venue } from "../market/types.ts";
import { ADAPTERS } from "../venues/registry.ts";
import { FAST_PATHS, withFastPath } from "./fast_paths.ts";
import { agrees, edits, mustDecline } from "../../testing/fast_path_check.ts";
import { CHANNEL_VENUE, channelFrames, CHANNELS } from "../../testing/venue_frames.ts";
import { sharedVenueFixtures } from "../../testing/shared_fixtures.ts";

const SHARED = sharedVenueFixtures();
const VENUES: readonly Venue[] = ["binance", "bybit", "okx", "kraken"];

const check = (venue: Venue, raw: string) => agrees(FAST_PATHS[venue], ADAPTERS[venue].map, raw);

Deno.test("every channel's fast path takes and equals the generic mapper on 3,000 simulator frames", () => {
  for (const channel of CHANNELS) {
    const { frames } = channelFrames(channel, 3000, 7);
    assert.equal(frames.length, 3000, channel);
    for (const f of frames) assert.equal(check(CHANNEL_VENUE[channel], f), "fast", `${channel}: ${f}`);
  }
});

// The real trade frames the fast paths are for; every other fixture line (klines, acks, derivatives,
// Bybit linear, heartbeats) must be declined or mapped identically.
const TAKEN: Readonly<Record<string, number>> = {
  "binance/trade.jsonl": 1,
  "binance/aggTrade.jsonl": 27,
  "bybit/publicTrade.jsonl": 11,
  "okx/trades.jsonl": 69,
  "kraken/v1_trade.jsonl": 8,
};

function fixtureLines(venue: Venue): [string, string[]][] {
  const dir = `${SHARED.dir}/${venue}`;
  return [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".jsonl")).map((e) => [
    `${venue}/${e.name}`,
    Deno.readTextFileSync(`${dir}/${e.name}`).split("\n").filter((l) => l !== ""),
  ]);
}

Deno.test({
  name: "every shared fixture frame of every venue: the fast path equals the generic mapper or declines",
  ignore: SHARED.ignore,
  fn: () => {
    SHARED.require();
    const taken: Record<string, number> = {};
    for (const venue of VENUES) {
      for (const [file, lines] of fixtureLines(venue)) {
        assert.ok(lines.length > 0, file);
        taken[file] = lines.filter((l) => check(venue, l) === "fast").length;
        if (!(file in TAKEN)) assert.equal(taken[file], 0, file);
      }
    }
    for (const [file, n] of Object.entries(TAKEN)) assert.equal(taken[file], n, file);
  },
});

/** Good frames per venue: a few simulator frames per channel plus the real fixture trades. */
function goodFrames(): [Venue, string][] {
  const out: [Venue, string][] = [];
  for (const channel of CHANNELS) {
    for (const f of channelFrames(channel, 4, 11).frames) out.push([CHANNEL_VENUE[channel], f]);
  }
  if (SHARED.present) {
    for (const file of Object.keys(TAKEN)) {
      const venue = file.split("/")[0] as Venue;
      const lines = Deno.readTextFileSync(`${SHARED.dir}/${file}`).split("\n").filter((l) => l !== "");
      for (const l of lines.slice(0, 3)) out.push([venue, l]);
    }
  }
  return out;
}

Deno.test("adversarial layouts (reordered keys, escapes, extra fields, exponents, unicode, cuts) fall back", () => {
  let cases = 0;
  for (const [venue, good] of goodFrames()) {
    assert.equal(check(venue, good), "fast", good);
    for (const [name, raw] of mustDecline(good)) {
      assert.equal(FAST_PATHS[venue](raw, 1), null, `${venue} ${name}: ${raw}`);
      // Through the wrapper they get exactly the generic mapper's verdict.
      assert.deepEqual(withFastPath(venue, ADAPTERS[venue].map)(raw, 1), ADAPTERS[venue].map(raw, 1), name);
      cases++;
    }
  }
  assert.ok(cases > 500, `only ${cases} cases`);
});

Deno.test("single-character edits anywhere in a frame: declined or identical, never a throw", () => {
  const seen = { fast: 0, declined: 0 };
  for (const [venue, good] of goodFrames()) {
    for (const raw of edits(good)) seen[check(venue, raw)]++;
  }
  // Some edits keep a valid frame (another digit in a price): those go fast, and agreed above.
  assert.ok(seen.fast > 1000 && seen.declined > 10_000, JSON.stringify(seen));
});

Deno.test("values the generic mapper refuses are declined and counted as its drops, never thrown", () => {
  const frames = Object.fromEntries(CHANNELS.map((c) => [c, channelFrames(c, 1, 3).frames[0]]));
  const cases: [Venue, string, string][] = [
    ["binance", frames["binance@aggTrade"].replace(/"p":"[^"]+"/, '"p":"0.00000000"'), "invalid_value"],
    ["binance", frames["binance@aggTrade"].replace(/"s":"[A-Z]+"/, '"s":"XYZ"'), "unknown_symbol"],
    ["bybit", frames["bybit publicTrade"].replace(/"v":"[^"]+"/, '"v":"-1"'), "invalid_value"],
    ["bybit", frames["bybit publicTrade"].replace(/"S":"\w+"/, '"S":"Hold"'), "invalid_value"],
    ["bybit", frames["bybit publicTrade"].replace(/"data":\[.*\]/, '"data":[]'), "unexpected_shape"],
    [
      "okx",
      frames["okx trades"].replace(/"instId":"BTC-USDT"/g, '"instId":"BTC-USDT-SWAP"'),
      "unsupported_instrument",
    ],
    ["okx", frames["okx trades"].replace(/"ts":"\d+"/, '"ts":"0"'), "invalid_value"],
    ["kraken", frames["kraken v2 trade"].replace(/"qty":[\d.]+/, '"qty":0'), "invalid_value"],
    ["kraken", frames["kraken v2 trade"].replace(/T\d\d:/, "T25:"), "invalid_value"],
    ["kraken", frames["kraken v1 trade"].replace(/"\d+\.\d{6}"/, '"1.2.3"'), "invalid_value"],
    ["kraken", '[1,[],"trade","XBT/USDT"]', "unexpected_shape"],
  ];
  for (const [venue, raw, reason] of cases) {
    assert.equal(FAST_PATHS[venue](raw, 1), null, raw);
    const r = withFastPath(venue, ADAPTERS[venue].map)(raw, 1);
    assert.deepEqual([r.kind, r.reason], ["dropped", reason], raw);
  }
  for (const venue of VENUES) {
    for (const junk of ["", "{not json", "[", "null", "{}", "[]", '"x"', "\u0000", "{".repeat(70_000)]) {
      assert.equal(
        withFastPath(venue, ADAPTERS[venue].map)(junk, 1).kind,
        "dropped",
        `${venue} ${junk.slice(0, 9)}`,
      );
    }
  }
});

Deno.test("Kraken v2 times: leap days, month ends and fraction lengths as rfc3339Ms reads them", () => {
  const good = channelFrames("kraken v2 trade", 1, 5).frames[0];
  const at = (ts: string) => good.replace(/"timestamp":"[^"]+"/, `"timestamp":"${ts}"`);
  const taken = [
    "2024-02-29T23:59:59.999999Z",
    "2000-02-29T00:00:00Z",
    "2025-12-31T12:00:00.1Z",
    "2025-01-01T00:00:00.123456789Z",
    "1970-01-01T00:00:01.000001Z",
  ];
  for (const ts of taken) assert.equal(check("kraken", at(ts)), "fast", ts);
  const declined = [
    "2023-02-29T00:00:00Z",
    "1900-02-29T00:00:00Z",
    "2025-04-31T00:00:00Z",
    "2025-01-01T00:00:00+00:00",
  ];
  for (const ts of declined) assert.equal(FAST_PATHS.kraken(at(ts), 1), null, ts);
});
