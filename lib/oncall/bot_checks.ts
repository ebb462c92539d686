// The trading bots (job live_loop), from the loop's own series. Equity jumps: equity is the account's
// holdings at the marks and PnL is the OMS's realized plus unrealized, both from the same book, so
// equity - PnL moves only with fees and with the marks of holdings the loop did not trade; its spread
// over the window, over equity, is the part of equity's change fills and marks do not explain. Today's
// PnL and drawdown are judged against the loop's own limits (its config file) over the UTC day of the
// check's evaluation time (lib/oncall/today_rows.ts), from a range answer, so the query itself does not
// depend on the clock.
import type { QueryOutcome } from "../prom/client.ts";
import { fmtNum } from "../verify/gates.ts";
import type { OncallConfig } from "./config.ts";
import { num, type Rows, worst } from "./rows.ts";
import { inst, todayRow } from "./today_rows.ts";

export const BOT_KEYS = [
  "equity_unexplained",
  "equity_today",
  "drawdown_today",
  "fills",
  "kill_switch",
  "inflight_min",
  "heartbeat_age",
] as const;
export type BotKey = typeof BOT_KEYS[number];

const RESIDUAL = "(live_loop_equity - live_loop_pnl_realized - live_loop_pnl_unrealized)";

export type BotsConfig = NonNullable<OncallConfig["bots"]>;

export function botQueries(b: BotsConfig): Record<BotKey, string> {
  return {
    equity_unexplained:
      `(max_over_time(${RESIDUAL}[${b.window}:]) - min_over_time(${RESIDUAL}[${b.window}:])) / live_loop_equity`,
    equity_today: `live_loop_equity[1d:${b.today_step}]`,
    drawdown_today: `live_loop_drawdown_ratio[1d:${b.today_step}]`,
    // A loop that never filled exports no fills series yet: 0 while it is scraped.
    fills: `sum by (instance) (increase(live_loop_fills_total[${b.fills_window}])) or ` +
      "sum by (instance) (0 * live_loop_kill_switch_engaged)",
    kill_switch: "max by (instance) (live_loop_kill_switch_engaged)",
    inflight_min: `min_over_time(live_loop_inflight_orders[${b.inflight_window}])`,
    heartbeat_age: "max by (instance, venue) (live_loop_venue_heartbeat_age_seconds)",
  };
}

const hhmm = (t: number) => new Date(t * 1000).toISOString().slice(11, 16);

export function evaluateBots(
  b: BotsConfig,
  q: Readonly<Partial<Record<BotKey, QueryOutcome>>>,
  rows: Rows,
  atMs: number,
): void {
  const p = botQueries(b), risk = b.risk;
  const today = (metric: string) => ({ atMs, metric, ageMaxS: b.today_age_max_s });
  rows.judge(
    "bot_equity_unexplained_ratio",
    q.equity_unexplained,
    p.equity_unexplained,
    `<=${fmtNum(b.equity_unexplained_max)}`,
    "no live_loop_equity (the loop has no baseline or an unmarked holding)",
    (x) => {
      const w = worst(x);
      const detail = `spread of equity - PnL over ${b.window} / equity; ${
        x.map((y) => `${inst(y)}=${num(y.value, 6)}`).join(",")
      }`;
      return {
        key: "bot_equity_unexplained_ratio",
        status: w.value <= b.equity_unexplained_max ? "PASS" : "FAIL",
        value: w.value,
        detail,
      };
    },
  );
  if (!risk) {
    for (
      const [key, k] of [["bot_pnl_today", "equity_today"], [
        "bot_drawdown_max_today",
        "drawdown_today",
      ]] as const
    ) {
      rows.add(
        { key, status: "ERROR", value: null, detail: `risk limits not loaded from ${b.risk_config}` },
        p[k],
        "-",
      );
    }
  } else {
    const loss = risk.max_daily_loss, ddMax = risk.max_drawdown_bps / 10_000;
    const pnlRow = todayRow(
      "bot_pnl_today",
      q.equity_today,
      today("live_loop_equity"),
      (pts) => {
        const pnl = pts.map(([s, v]) => ({
          s,
          first: v[0],
          last: v[v.length - 1],
          pnl: v[v.length - 1][1] - v[0][1],
        }));
        const w = pnl.reduce((a, c) => c.pnl < a.pnl ? c : a);
        const detail =
          `equity ${num(w.first[1], 2)} at ${hhmm(w.first[0])} UTC -> ${num(w.last[1], 2)} at ${
            hhmm(w.last[0])
          } (${inst(w.s)}); ` +
          `limit ${risk.source} risk.max_daily_loss=${fmtNum(loss)}`;
        return { key: "bot_pnl_today", status: w.pnl > -loss ? "PASS" : "FAIL", value: w.pnl, detail };
      },
    );
    rows.add(pnlRow, p.equity_today, `>-${fmtNum(loss)}`);
    const ddRow = todayRow(
      "bot_drawdown_max_today",
      q.drawdown_today,
      today("live_loop_drawdown_ratio"),
      (pts) => {
        const m = pts.map(([s, v]) => ({ s, v: v.reduce((a, [, x]) => Math.max(a, x), -Infinity) })).reduce((
          a,
          c,
        ) => c.v > a.v ? c : a);
        const detail = `max today (${
          inst(m.s)
        }); limit ${risk.source} risk.max_drawdown_bps=${risk.max_drawdown_bps}`;
        return { key: "bot_drawdown_max_today", status: m.v < ddMax ? "PASS" : "FAIL", value: m.v, detail };
      },
    );
    rows.add(ddRow, p.drawdown_today, `<${fmtNum(ddMax)}`);
  }
  const band = `${fmtNum(b.fills_min)}..${fmtNum(b.fills_max)}`;
  rows.judge(
    "bot_fills_per_window",
    q.fills,
    p.fills,
    band,
    "no live_loop series (job live_loop not scraped)",
    (x) => {
      const out = x.filter((y) => y.value < b.fills_min || y.value > b.fills_max);
      const w = out.length ? worst(out, out[0].value < b.fills_min) : worst(x);
      const detail = `fills in ${b.fills_window}: ${x.map((y) => `${inst(y)}=${num(y.value, 1)}`).join(",")}`;
      return { key: "bot_fills_per_window", status: out.length ? "FAIL" : "PASS", value: w.value, detail };
    },
  );
  rows.judge(
    "bot_kill_switch_engaged",
    q.kill_switch,
    p.kill_switch,
    "=0",
    "no live_loop_kill_switch_engaged series",
    (x) => {
      const halted = x.filter((y) => y.value !== 0).map(inst);
      const detail = halted.length ? `HALTED: ${halted.join(",")} (runbooks/live_trading.md)` : "ACTIVE";
      return {
        key: "bot_kill_switch_engaged",
        status: halted.length ? "FAIL" : "PASS",
        value: worst(x).value,
        detail,
      };
    },
  );
  rows.judge(
    "bot_orders_unconfirmed",
    q.inflight_min,
    p.inflight_min,
    "=0",
    "no live_loop_inflight_orders series",
    (x) => {
      const w = worst(x);
      const detail = w.value > 0
        ? `${fmtNum(w.value)} order(s) in flight at every scrape of the last ${b.inflight_window} (${
          inst(w)
        })`
        : `none in flight for all of the last ${b.inflight_window}`;
      return { key: "bot_orders_unconfirmed", status: w.value > 0 ? "FAIL" : "PASS", value: w.value, detail };
    },
  );
  rows.judge(
    "bot_venue_heartbeat_age_s",
    q.heartbeat_age,
    p.heartbeat_age,
    `<=${fmtNum(b.heartbeat_age_max_s)}`,
    "no live_loop_venue_heartbeat_age_seconds series",
    (x) => {
      const w = worst(x);
      const detail = x.map((y) => `${y.metric.venue ?? "?"}=${num(y.value, 1)}s`).join(",");
      return {
        key: "bot_venue_heartbeat_age_s",
        status: w.value <= b.heartbeat_age_max_s ? "PASS" : "FAIL",
        value: w.value,
        detail,
      };
    },
  );
}
