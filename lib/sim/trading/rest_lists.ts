// The history and account endpoints: allOrders and myTrades with Binance's range rules (none: the
// newest `limit`; startTime: oldest from it; endTime: newest up to it; both: from start, capped at
// end; an id bound: from that id; always chronological), the account and exchangeInfo.
import { formatAtoms } from "./decimal.ts";
import { ERR, isVenueError, mandatory, type VenueError } from "./errors.ts";
import { fail, type Reply, symbolOf, type TradingContext } from "./rest_orders.ts";
import { exchangeInfoSymbol } from "./symbols.ts";
import type { Params } from "./validate.ts";
import { fillView, orderView } from "./views.ts";

const DAY_MS = 86_400_000;

interface Range {
  readonly fromId: number | null;
  readonly start: number | null;
  readonly end: number | null;
  readonly limit: number;
}

function int(p: Params, name: string): number | null | VenueError {
  const v = p.get(name);
  if (v === null) return null;
  return /^[0-9]{1,18}$/.test(v) ? Number(v) : mandatory(name);
}

function range(p: Params, idParam: string): Range | VenueError {
  const fromId = int(p, idParam), start = int(p, "startTime"), end = int(p, "endTime"), lim = int(p, "limit");
  for (const v of [fromId, start, end, lim]) if (typeof v === "object" && v !== null) return v;
  if (start !== null && end !== null && (end as number) - (start as number) > DAY_MS) {
    return { http: 400, code: -1127, msg: "More than 24 hours between startTime and endTime." };
  }
  const limit = Math.min(1000, Math.max(1, (lim as number | null) ?? 500));
  return { fromId: fromId as number | null, start: start as number | null, end: end as number | null, limit };
}

/** Applies a range to rows in chronological order. */
export function pick<T>(rows: readonly T[], r: Range, id: (t: T) => number, time: (t: T) => number): T[] {
  let out = rows.filter((t) =>
    (r.fromId === null || id(t) >= r.fromId) && (r.start === null || time(t) >= r.start) &&
    (r.end === null || time(t) <= r.end)
  );
  // With only an upper bound (or none) the newest rows are kept; with a lower bound the oldest.
  out = r.fromId === null && r.start === null ? out.slice(-r.limit) : out.slice(0, r.limit);
  return out;
}

/** GET /api/v3/allOrders. */
export function allOrders(ctx: TradingContext, account: string, p: Params): Reply {
  const s = symbolOf(ctx, p);
  if (isVenueError(s)) return fail(s);
  const name = s.name;
  const r = range(p, "orderId");
  if ("code" in r) return fail(r);
  const rows = pick(ctx.engine.orders.of(account, name), r, (o) => o.orderId, (o) => o.time);
  return { status: 200, body: rows.map((o) => orderView(s, o)) };
}

/** GET /api/v3/myTrades. */
export function myTrades(ctx: TradingContext, account: string, p: Params, now: number): Reply {
  const s = symbolOf(ctx, p);
  if (isVenueError(s)) return fail(s);
  const name = s.name;
  const r = range(p, "fromId");
  if ("code" in r) return fail(r);
  const orderId = int(p, "orderId");
  if (typeof orderId === "object" && orderId !== null) return fail(orderId);
  if (r.fromId !== null && (r.start !== null || r.end !== null)) {
    return fail({ http: 400, code: -1128, msg: "Combination of optional parameters invalid." });
  }
  const lagMs = ctx.tradesLagMs?.() ?? 0;
  const asked = ctx.engine.fills.filter((f) =>
    f.account === account && f.symbol === name && (orderId === null || f.orderId === orderId)
  );
  const mine = asked.filter((f) => f.time <= now - lagMs);
  if (mine.length < asked.length) ctx.onTradesHidden?.(asked.filter((f) => f.time > now - lagMs), lagMs);
  return { status: 200, body: pick(mine, r, (f) => f.id, (f) => f.time).map((f) => fillView(s, f)) };
}

/** GET /api/v3/account. */
export function account(ctx: TradingContext, name: string, p: Params): Reply {
  const a = ctx.engine.accounts.get(name);
  if (!a) return fail(ERR.rejectedKey);
  const omitZero = p.get("omitZeroBalances") === "true";
  const balances = a.list().filter((b) => !omitZero || b.free + b.locked > 0)
    .map((b) => ({ asset: b.asset, free: formatAtoms(b.free), locked: formatAtoms(b.locked) }));
  return {
    status: 200,
    body: {
      makerCommission: a.makerRate / 10_000, // basis points, as Binance prints them
      takerCommission: a.takerRate / 10_000,
      buyerCommission: 0,
      sellerCommission: 0,
      commissionRates: {
        maker: formatAtoms(a.makerRate),
        taker: formatAtoms(a.takerRate),
        buyer: "0.00000000",
        seller: "0.00000000",
      },
      canTrade: true,
      canWithdraw: true,
      canDeposit: true,
      brokered: false,
      requireSelfTradePrevention: false,
      preventSor: false,
      updateTime: a.updateTime,
      accountType: "SPOT",
      balances,
      permissions: ["SPOT"],
      uid: uid(name),
    },
  };
}

/** A stable numeric uid per account name. */
function uid(name: string): number {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) % 1_000_000_000;
  return 100_000_000 + h;
}

/** GET /api/v3/exchangeInfo (optionally `symbol` or `symbols=["A","B"]`). */
export function exchangeInfo(
  ctx: TradingContext,
  p: Params,
  serverTime: number,
  rateLimits: readonly unknown[] = [],
): Reply {
  let names = [...ctx.engine.symbols.keys()];
  const one = p.get("symbol"), many = p.get("symbols");
  if (one !== null) names = [one];
  if (many !== null) {
    try {
      names = JSON.parse(many);
    } catch {
      return fail(mandatory("symbols"));
    }
  }
  if (!Array.isArray(names) || names.some((n) => !ctx.engine.symbols.has(n))) return fail(ERR.badSymbol);
  return {
    status: 200,
    body: {
      timezone: "UTC",
      serverTime,
      rateLimits,
      exchangeFilters: [],
      symbols: names.map((n) => exchangeInfoSymbol(ctx.engine.symbols.get(n)!)),
    },
  };
}
