// Replay inputs built at test time from the shared venue fixtures (real captured frames, read from
// ../shared and never copied into this repo): whole files, and frames moved in time with fresh ids
// to stand for other capture sessions. Throws naming the directory when the fixtures are absent.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Trade, Venue } from "../lib/market/types.ts";
import { mapFrame } from "../lib/venues/registry.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const FIXTURES = resolve(ROOT, Deno.env.get("TICKPROOF_SHARED_DIR") ?? "../shared", "fixtures/venues");

try {
  Deno.statSync(FIXTURES);
} catch {
  throw new Error(`replay tests need the shared venue fixtures at ${FIXTURES} (set TICKPROOF_SHARED_DIR)`);
}

export const DAY = 86_400_000;

/** The frames of one fixture file, one per line. */
export function fixture(venue: Venue, file: string): string[] {
  return Deno.readTextFileSync(`${FIXTURES}/${venue}/${file}`).split("\n").filter((l) => l !== "");
}

/** The trade files of each venue (its other files hold acks, heartbeats, klines, errors). */
export const TRADE_FILES: Readonly<Record<Venue, readonly string[]>> = {
  binance: ["aggTrade.jsonl", "trade.jsonl"],
  bybit: ["publicTrade.jsonl", "publicTrade_linear.jsonl"],
  okx: ["trades.jsonl"],
  kraken: ["v1_trade.jsonl"],
};

/** Frames without a time of their own (acks, heartbeats, status, errors) of each venue. */
export const CONTROL_FILES: Readonly<Record<Venue, readonly string[]>> = {
  binance: [],
  bybit: ["subscribe_ack.jsonl", "subscribe_ack_linear.jsonl"],
  okx: ["subscribe_ack.jsonl", "error.jsonl"],
  kraken: ["v1_system_status.jsonl", "v1_subscription_status.jsonl", "v1_heartbeat.jsonl"],
};

/**
 * The same frame `ms` later (or earlier), with trade ids moved by `idShift` so its trades are new ones
 * (Kraken v1 has no ids). Only the fields the venue's mapper reads are touched.
 */
export function shifted(venue: Venue, raw: string, ms: number, idShift: number): string {
  const f = JSON.parse(raw);
  const id = (s: string) => /^\d+$/.test(s) ? String(BigInt(s) + BigInt(idShift)) : `${s}-${idShift}`;
  switch (venue) {
    case "binance": {
      const d = f.data ?? f;
      d.E += ms;
      d.T += ms;
      for (const k of ["a", "t", "f", "l"]) if (typeof d[k] === "number") d[k] += idShift;
      break;
    }
    case "bybit":
      f.ts += ms;
      for (const t of f.data) {
        t.T += ms;
        t.i = id(t.i);
      }
      break;
    case "okx":
      for (const t of f.data) {
        t.ts = String(Number(t.ts) + ms);
        t.tradeId = id(t.tradeId);
      }
      break;
    case "kraken":
      for (const t of f[1]) {
        const [s, us] = (t[2] as string).split(".");
        const micros = BigInt(s + us.padEnd(6, "0")) + BigInt(ms) * 1000n;
        t[2] = `${micros / 1_000_000n}.${String(micros % 1_000_000n).padStart(6, "0")}`;
      }
      break;
  }
  return JSON.stringify(f);
}

/** The trades of these frames as replay prints them (bare frame: receive time = its event time). */
export function tradesOf(venue: Venue, frames: readonly string[]): Trade[] {
  const out: Trade[] = [];
  for (const raw of frames) {
    for (const e of mapFrame(venue, raw, 0).events) {
      if (e.kind === "trade") out.push({ ...e, receivedAtMs: e.venueTimeMs });
    }
  }
  return out;
}
