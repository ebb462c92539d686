// The user data stream's lifecycle (binance_trading.md §5, §6): one WebSocket API connection, then
// `userDataStream.subscribe.signature` (apiKey + timestamp, signed; the listenKey endpoints are gone
// since 2026-02-20). stream_up when the venue answers 200; stream_down when the session ends for any
// reason: close (the venue's 24 h cut, its drop of a socket that stopped answering pings), error,
// refusal, eventStreamTerminated, serverShutdown, no answer to a `ping` request (a silent stall), or the
// connection's age limit (ours hands over before the venue's 24 h cut). Then a reconnect after
// full-jitter backoff (reset once a session came up), at once after serverShutdown (the venue asks for
// a prompt reconnect, §5). Submits are gated by the loop on these events. Each answered ping is an
// `alive` event: a quiet but healthy session still proves the venue alive every pingEveryMs.
import { type Backoff, backoffDelayMs } from "../async/backoff.ts";
import { realTimers, sleep, type Timers } from "../async/sleep.ts";
import { signWsParams } from "./binance_sign.ts";
import { readFrame } from "./binance_user_events.ts";
import type { ApiCredentials } from "./credentials.ts";
import type { UserEvent } from "./venue.ts";

export interface UserStreamConfig {
  /** `wss://ws-api.binance.com:443/ws-api/v3`, or the simulator's `ws://127.0.0.1:8765/binance/ws-api/v3`. */
  readonly wsApiUrl: string;
  readonly recvWindowMs?: number;
  /** A `ping` request this often while up; default 30000. */
  readonly pingEveryMs?: number;
  /** Deadline for the open, the subscribe answer and each ping answer; default 10000. */
  readonly answerTimeoutMs?: number;
  /** Reconnect before the venue's 24 h cut; default 23.5 h. */
  readonly maxConnectionMs?: number;
  readonly backoff?: Backoff;
}

export interface UserStreamEffects {
  readonly connect: (url: string) => WebSocket;
  readonly now: () => number;
  /** The venue-clock timestamp for the signed subscription (BinanceRest.clock). */
  readonly timestamp: () => number;
  /** Runs before each connection attempt (BinanceSpot: resync a stale venue clock). */
  readonly beforeSession?: () => Promise<void>;
  /** The subscription was refused with this venue code (BinanceSpot: -1021 invalidates the clock). */
  readonly onRefused?: (code: number | null) => void;
  readonly timers?: Timers;
  readonly random?: () => number;
  /** Frames that could not be read (counted by the caller, never fatal). */
  readonly onBadFrame?: (detail: string) => void;
}

const DEFAULT_BACKOFF: Backoff = { baseMs: 250, maxMs: 30_000, jitter: "full" };

/** Runs sessions until `signal` aborts; resolves then (after a final stream_down if it was up). */
export async function runUserStream(
  cfg: UserStreamConfig,
  creds: ApiCredentials,
  fx: UserStreamEffects,
  sink: (ev: UserEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const timers = fx.timers ?? realTimers;
  const safe = guarded(sink, fx);
  let attempt = 0;
  while (!signal.aborted) {
    await fx.beforeSession?.();
    if (signal.aborted) break;
    const { cause, wasUp, notBeforeMs, prompt } = await session(cfg, creds, { ...fx, timers }, safe, signal);
    if (wasUp) safe({ type: "stream_down", atMs: fx.now(), cause: signal.aborted ? "stopped" : cause });
    if (signal.aborted) break;
    attempt = wasUp ? 0 : attempt + 1;
    // Once: a venue that keeps announcing shutdown gets the backoff like any other failure.
    if (prompt && attempt <= 1) continue;
    const backoff = backoffDelayMs(attempt, cfg.backoff ?? DEFAULT_BACKOFF, fx.random);
    // A rate-limited refusal names when the venue listens again: never knock before that.
    await sleep(Math.max(backoff, (notBeforeMs ?? 0) - fx.now()), signal, timers);
  }
}

/** A sink that throws must not kill the socket's event handler (an uncaught error ends the process). */
function guarded(sink: (ev: UserEvent) => void, fx: UserStreamEffects): (ev: UserEvent) => void {
  return (ev) => {
    try {
      sink(ev);
    } catch (e) {
      fx.onBadFrame?.(`sink threw on ${ev.type}: ${(e as Error).message}`);
    }
  };
}

interface SessionEnd {
  readonly cause: string;
  readonly wasUp: boolean;
  /** From a 429/418 refusal: no new attempt before this (epoch ms, our clock). */
  readonly notBeforeMs?: number | null;
  /** The venue announced it is going away: reconnect now, no backoff. */
  readonly prompt?: boolean;
}

function session(
  cfg: UserStreamConfig,
  creds: ApiCredentials,
  fx: UserStreamEffects & { timers: Timers },
  sink: (ev: UserEvent) => void,
  signal: AbortSignal,
): Promise<SessionEnd> {
  const answerMs = cfg.answerTimeoutMs ?? 10_000;
  return new Promise((resolve) => {
    let up = false, done = false, seq = 0;
    let notBeforeMs: number | null = null;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    let pinger: ReturnType<typeof setTimeout> | undefined;
    const expect = (what: string) => {
      if (deadline !== undefined) fx.timers.clearTimeout(deadline);
      deadline = fx.timers.setTimeout(() => end(`no ${what} within ${answerMs} ms`), answerMs);
    };
    const settled = () => {
      if (deadline !== undefined) fx.timers.clearTimeout(deadline);
      deadline = undefined;
    };
    let ws: WebSocket;
    try {
      ws = fx.connect(cfg.wsApiUrl);
    } catch (e) {
      resolve({ cause: `connect failed: ${(e as Error).name}`, wasUp: false });
      return;
    }
    const age = fx.timers.setTimeout(
      () => end("connection age limit"),
      cfg.maxConnectionMs ?? 23.5 * 3_600_000,
    );
    const onAbort = () => end("stopped");
    signal.addEventListener("abort", onAbort, { once: true });
    const end = (cause: string) => {
      if (done) return;
      done = true;
      settled();
      fx.timers.clearTimeout(age);
      if (pinger !== undefined) fx.timers.clearTimeout(pinger);
      signal.removeEventListener("abort", onAbort);
      // Resolve once the socket has closed (no socket outlives its session), or after a grace period.
      const finish = () => resolve({ cause, wasUp: up, notBeforeMs, prompt: cause === "serverShutdown" });
      if (ws.readyState === WebSocket.CLOSED) return finish();
      const grace = fx.timers.setTimeout(finish, answerMs);
      ws.addEventListener("close", () => (fx.timers.clearTimeout(grace), finish()));
      try {
        ws.close();
      } catch { /* already closing */ }
    };
    const send = (method: string, params?: Record<string, unknown>) => {
      const id = `${method}-${++seq}`;
      if (ws.readyState !== WebSocket.OPEN) return end("socket no longer open"), id;
      ws.send(JSON.stringify(params ? { id, method, params } : { id, method }));
      return id;
    };
    const schedulePing = () => {
      pinger = fx.timers.setTimeout(() => {
        if (done) return;
        send("ping");
        expect("answer to ping");
      }, cfg.pingEveryMs ?? 30_000);
    };
    let subId = "";
    expect("open");
    ws.onopen = () => {
      const params = signWsParams(creds.sign, {
        apiKey: creds.apiKey,
        timestamp: fx.timestamp(),
        recvWindow: cfg.recvWindowMs,
      });
      subId = send("userDataStream.subscribe.signature", params);
      expect("answer to the subscription");
    };
    ws.onmessage = (m) => {
      const f = readFrame(String(m.data));
      switch (f.kind) {
        case "response":
          if (f.id === subId && !up) {
            if (f.status !== 200) {
              fx.onRefused?.(f.error?.code ?? null);
              // By the venue's clock when it sent its time (ours may differ from it), else as given.
              notBeforeMs = f.retryInMs !== null ? fx.now() + f.retryInMs : f.retryAfterMs;
              return end(
                `subscription refused: ${f.status} ${f.error?.code ?? ""} ${f.error?.msg ?? ""}`.trimEnd(),
              );
            }
            up = true;
            settled();
            sink({ type: "stream_up", atMs: fx.now() });
            schedulePing();
          } else if (f.id === null && f.status >= 400) {
            end(`venue ended the session: ${f.status} ${f.error?.code ?? ""}`.trimEnd());
          } else if (typeof f.id === "string" && f.id.startsWith("ping-")) {
            settled();
            sink({ type: "alive", atMs: fx.now() });
            schedulePing();
          }
          return;
        case "event":
          return sink(f.event);
        case "terminated":
          return end("eventStreamTerminated");
        case "shutdown":
          return end("serverShutdown");
        case "bad":
          return fx.onBadFrame?.(f.detail);
      }
    };
    ws.onerror = (e) => e.preventDefault?.();
    ws.onclose = (e) => end(`closed ${e.code}`);
  });
}
