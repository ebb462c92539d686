// The user stream into the OMS. Events are handled one at a time, in arrival order, on one serial
// chain that reconciliations also run on, so a reconciliation sees a still book and the events that
// arrive meanwhile apply after it (duplicates of what it applied are no-ops: fills by trade id).
// stream_down: new submits are denied (RECONCILING) until the reconciliation after the next stream_up
// is done; cancels pass. A venue order the OMS does not know is adopted as EXTERNAL.
import { adoptionOf, streamEvents } from "../oms/venue_map.ts";
import type { UserEvent } from "../trading/venue.ts";
import type { LoopCore } from "./core.ts";
import { EV } from "./counters.ts";
import type { StreamView } from "./loop_view.ts";

export class StreamRunner {
  #chain: Promise<unknown> = Promise.resolve();
  #ac = new AbortController();
  #running: Promise<void> | null = null;
  #view = {
    state: "idle" as StreamView["state"],
    sinceMs: null as number | null,
    /** Local ms the venue last proved alive: the subscription answered, an event, a ping answered. */
    lastAliveMs: null as number | null,
    reconnects: 0,
    lastDownCause: null as string | null,
  };
  #ups = 0;
  #downs = 0;

  constructor(
    private readonly core: LoopCore,
    /** Runs the reconciliation after a reconnect (on this chain). */
    private readonly onReconnect: () => Promise<void>,
  ) {}

  start(): void {
    this.#running = this.core.venue.userEvents((ev) => this.#onEvent(ev), this.#ac.signal);
  }

  /** Runs `f` on the serial chain: no stream event is handled while it runs. */
  exclusive<T>(f: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(f);
    this.#chain = run.catch(() => {});
    return run;
  }

  async stop(): Promise<void> {
    this.#ac.abort();
    await this.#running;
    await this.#chain;
    this.#view.state = "stopped";
    this.#view.sinceMs = this.core.now();
  }

  view(): StreamView {
    const v = this.#view;
    return {
      state: v.state,
      sinceMs: v.sinceMs,
      heartbeatAgeMs: v.lastAliveMs === null ? null : this.#local() - v.lastAliveMs,
      reconnects: v.reconnects,
      lastDownCause: v.lastDownCause,
    };
  }

  /** Liveness ages run on the local clock (LoopEffects.localMs), not the venue's. */
  #local(): number {
    return this.core.fx.localMs ? this.core.fx.localMs() : performance.now();
  }

  #onEvent(ev: UserEvent): void {
    // A stream_down is the connector's own verdict, not a word from the venue: it proves nothing alive.
    if (ev.type !== "stream_down") this.#view.lastAliveMs = this.#local();
    if (ev.type === "stream_down") {
      // At once, not behind the chain: submits are denied from this moment.
      this.core.reconciling = true;
      this.#downs++;
      Object.assign(this.#view, { state: "down", sinceMs: this.core.now(), lastDownCause: ev.cause });
      this.core.counters.emit("warn", EV.heartbeatRetry, { cause: ev.cause, attempt: this.#downs });
      return;
    }
    if (ev.type === "stream_up") {
      Object.assign(this.#view, { state: "up", sinceMs: this.core.now() });
      if (this.#ups++ > 0) {
        this.#view.reconnects++;
        this.exclusive(() => this.onReconnect()).catch((err) =>
          this.core.counters.emit("error", EV.reconciliation, { phase: "crashed", error: String(err) })
        );
      }
      return;
    }
    if (ev.type !== "order") return; // balances, alive (a ping answered): the heartbeat only
    this.exclusive(() => this.#order(ev)).catch((err) =>
      this.core.counters.emit("error", "live_loop.stream_event_failed", { error: String(err) })
    );
  }

  async #order(ev: Extract<UserEvent, { type: "order" }>): Promise<void> {
    const core = this.core;
    if (!core.journal) return;
    const id = ev.order.clientOrderId;
    const evs = streamEvents(ev);
    if (typeof evs === "string") {
      core.counters.badVenueInput++;
      core.counters.emit("warn", EV.badInput, { clientOrderId: id, detail: evs });
      return;
    }
    if (!core.j.book.has(id)) {
      const order = adoptionOf(ev.order, `adopted-${ev.order.orderId}`);
      if (typeof order === "string" || ev.execType === "REJECTED") {
        core.counters.badVenueInput++;
        core.counters.emit("warn", EV.badInput, { clientOrderId: id, detail: String(order) });
        return;
      }
      const { result } = await core.j.adopt(order, ev.order.orderId);
      if (!result.ok) return;
      core.counters.emit("info", EV.adopt, {
        clientOrderId: id,
        venueOrderId: ev.order.orderId,
        via: "stream",
      });
    }
    for (const e of evs) await core.apply(id, e, "stream");
  }
}
