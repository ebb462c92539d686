// The real captured venue frames live in the shared checkout beside this repo (never copied into
// it). Tests that read them fail loudly when they are absent; TICKPROOF_ALLOW_MISSING_SHARED=1 is the
// explicit opt-out that ignores those tests instead (counted as ignored in `./tp test`'s last line).
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const ALLOW_MISSING_SHARED = "TICKPROOF_ALLOW_MISSING_SHARED";

/** The first trade in the shared okx/trades.jsonl as the adapter maps it (its receive time is the reader's). */
export const OKX_FIRST_TRADE = {
  venue: "okx",
  symbol: "BTC-USDT",
  tradeId: "338476307",
  price: 30236,
  size: 0.0002,
  side: "buy",
  venueTimeMs: 1652459224818,
} as const;

export interface SharedFixtures {
  /** <shared>/fixtures/venues */
  readonly dir: string;
  readonly present: boolean;
  /** For Deno.test's `ignore`: true only when absent and the opt-out is set. */
  readonly ignore: boolean;
  /** Throws saying what is missing and how to fix it; a test calls it before reading any fixture. */
  require(): void;
}

/** What is wrong and the two ways out, for tests and for ./tp test. */
export function missingSharedMessage(dir: string): string {
  return `shared venue fixtures are missing: ${dir} is not a directory. Put the shared checkout ` +
    `beside this repo (../shared) or point TICKPROOF_SHARED_DIR at it; to run without them, set ` +
    `${ALLOW_MISSING_SHARED}=1 (the tests reading them are then ignored).`;
}

export function sharedVenueFixtures(
  env: { get(key: string): string | undefined } = Deno.env,
): SharedFixtures {
  const dir = resolve(ROOT, env.get("TICKPROOF_SHARED_DIR") ?? "../shared", "fixtures/venues");
  let present = false;
  try {
    present = Deno.statSync(dir).isDirectory;
  } catch {
    present = false;
  }
  const allowMissing = env.get(ALLOW_MISSING_SHARED) === "1";
  return {
    dir,
    present,
    ignore: !present && allowMissing,
    require() {
      if (!present) throw new Error(missingSharedMessage(dir));
    },
  };
}
