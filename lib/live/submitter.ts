// New orders and cancels. submit(): the risk check, one order at a time, against the book PLUS the
// orders admitted whose intents are not durable yet (so two concurrent submits cannot both pass a
// limit); the lock is released once the intent is appended, so concurrent intents share an fsync
// (group commit); then the queue. The worker sends one order at a time by the send protocol
// (records.ts): `submitted` durable (with the intent's own sync when the order goes at once), the kill
// switch checked at the venue boundary, then the request. It retries only what provably never reached
// the venue (a 429 or a local hold, same client id after the wait); an ambiguous answer leaves the
// order SUBMITTED for the in-flight checker; a duplicate-id refusal proves the order exists, too.
import { sleep } from "../async/sleep.ts";
import { mayPass } from "../oms/kill_switch.ts";
import type { Order } from "../oms/order.ts";
import type { OmsJournal } from "../oms/journal.ts";
import type { NewOrder } from "../oms/records.ts";
import { isReducing, rateWindow } from "../oms/risk.ts";
import { requestOf, statusEvent } from "../oms/venue_map.ts";
import { exposure, newOrderOf, type OrderSpec, riskVerdict } from "./admission.ts";
import type { LoopCore } from "./core.ts";
import { EV } from "./counters.ts";
import { haltSwitch } from "./kill.ts";
import { fetchFills } from "./reconciler.ts";

export type { OrderSpec };

export type SubmitResult =
  | { readonly ok: true; readonly clientOrderId: string }
  | { readonly ok: false; readonly reason: string; readonly detail: string };

export class Submitter {
  readonly #queue: string[] = [];
  #lock: Promise<unknown> = Promise.resolve();
  #sendTimes: number[] = [];
  #working: Promise<void> | null = null;
  #stop = new AbortController();
  /** Admitted orders whose intents are appended but not yet in the book: risk counts them. */
  readonly #admitted = new Map<string, NewOrder>();
  readonly #durables = new Set<Promise<unknown>>();

  constructor(private readonly core: LoopCore) {}

  get depth(): number {
    return this.#queue.length;
  }

  /** Risk check and intent append (serialized), then the durable wait (shared), then the queue. */
  submit(spec: OrderSpec, correlationId: string): Promise<SubmitResult> {
    const admit = this.#lock.then(() => this.#admit(spec, correlationId));
    this.#lock = admit.catch(() => {});
    return admit.then((a) => "durable" in a ? a.durable : a);
  }

  /** Queues a never-sent order again (same client id) and wakes the worker. */
  enqueue(id: string): void {
    if (!this.#queue.includes(id)) this.#queue.push(id);
    this.kick();
  }

  /** Drops a queued order (it was never sent): for cancels of queued orders and a cold start. */
  unqueue(id: string): boolean {
    const i = this.#queue.indexOf(id);
    if (i >= 0) this.#queue.splice(i, 1);
    return i >= 0;
  }

  /** Starts the worker unless it runs, or the loop may not send now (it is kicked again after). */
  kick(): void {
    if (!this.#working && this.#maySend()) this.#run(() => this.#work());
  }

  #maySend(): boolean {
    return !this.core.reconciling && !this.core.blocked && !this.#stop.signal.aborted;
  }

  /** Runs `job` as the worker, then the queue. */
  #run(job: () => Promise<void>): void {
    this.#working = job().then(() => this.#work()).catch((err) => {
      // The event log failed or closed under the worker: the loop halts (blockedReason says why).
      this.core.counters.emit("error", "live_loop.worker_failed", { error: String(err) });
    }).finally(() => {
      this.#working = null;
      if (this.#queue.length > 0 && !this.core.reconciling && !this.core.blocked) this.kick();
    });
  }

  /** Resolves when the queue is empty and nothing is being sent (or the worker is paused). */
  async idle(): Promise<void> {
    await this.#lock;
    await Promise.allSettled([...this.#durables]);
    while (this.#working) await this.#working;
  }

  /** Stops sending: the order being sent finishes, waits (Retry-After) end at once. */
  stop(): void {
    this.#stop.abort();
  }

  #exposure(symbol: string) {
    return exposure(this.core.j.book, this.#admitted, symbol);
  }

  /** Under the lock: the risk check and the intent's append; `durable` settles outside the lock. */
  async #admit(
    spec: OrderSpec,
    correlationId: string,
  ): Promise<SubmitResult | { readonly durable: Promise<SubmitResult> }> {
    const core = this.core;
    const deny = (reason: string, detail: string): SubmitResult => {
      core.counters.denial(reason);
      core.counters.emit("warn", EV.riskDenied, { symbol: spec.symbol, correlationId, reason, detail });
      return { ok: false, reason, detail };
    };
    const blocked = core.blockedReason();
    if (blocked || !core.journal) return deny("NOT_TRADING", blocked ?? "the loop has not started");
    if (this.#stop.signal.aborted) return deny("NOT_TRADING", "the loop is shutting down");
    const now = core.now();
    this.#sendTimes = rateWindow(this.#sendTimes, now);
    const v = riskVerdict(core, spec, this.#exposure(spec.symbol), this.#sendTimes.length);
    if (!v.ok) {
      // Daily loss and drawdown are a latch: the denial also engages the kill switch.
      if (v.trip && core.ks.state === "ACTIVE") {
        await haltSwitch(core, "trip", `${v.reason}: ${v.detail}`, "risk");
      }
      return deny(v.reason, v.detail);
    }
    const { id, counter } = core.j.nextClientOrderId();
    const order = newOrderOf(spec, id, correlationId, core.cfg.tag);
    // Reserved before the lock is released: the next submit's check counts this order and this send.
    this.#admitted.set(id, order);
    this.#sendTimes.push(now);
    // Nothing queued and the worker free: this order goes next, so its `submitted` shares the intent's
    // sync (one fsync before the request leaves, not two); the worker is held for it meanwhile.
    const direct = !this.#working && this.#queue.length === 0 && this.#maySend() && this.#gate(order).ok;
    const made = core.j.intent(order, counter, { submitted: direct });
    if (direct) this.#run(() => this.#sendLogged(id, made));
    const durable = made.then((r): SubmitResult => {
      if ("refused" in r) {
        this.#unreserve(now);
        return deny("INVALID_ORDER", r.refused);
      }
      if (!direct) this.enqueue(id);
      return { ok: true, clientOrderId: id };
    }, (err) => {
      this.#unreserve(now); // the log failed: the loop halts (blockedReason), nothing was sent
      throw err;
    }).finally(() => {
      this.#admitted.delete(id);
      this.#durables.delete(durable);
    });
    this.#durables.add(durable);
    return { durable };
  }

  /** Gives back the rate-window slot of an order whose intent was not logged. */
  #unreserve(at: number): void {
    const i = this.#sendTimes.lastIndexOf(at);
    if (i >= 0) this.#sendTimes.splice(i, 1);
  }

  async #work(): Promise<void> {
    while (this.#queue.length > 0 && this.#maySend()) {
      const id = this.#queue.shift()!;
      const o = this.core.j.book.order(id);
      if (o && o.state === "INITIALIZED" && o.origin === "local") await this.#send(o);
    }
  }

  /** The kill switch at the venue boundary: a new order passes only when ACTIVE or when it reduces. */
  #gate(o: NewOrder & { readonly filledQty?: number }) {
    const same = this.#exposure(o.symbol), left = o.quantity - (o.filledQty ?? 0);
    const reducing = isReducing(
      o,
      this.core.j.book.position(o.symbol),
      (o.side === "BUY" ? same.buy : same.sell) - left,
    );
    return mayPass(this.core.ks, { kind: "place", reducing });
  }

  /** A direct order (its `submitted` logged with its intent): the gate again, then the request. */
  async #sendLogged(id: string, made: ReturnType<OmsJournal["intent"]>): Promise<void> {
    const r = await made.catch(() => null); // a failed log: the admission reports it, nothing is sent
    if (!r || "refused" in r || !r.submitted) return;
    await this.core.applied(id, { kind: "submitted" }, "worker", undefined, r.submitted.result);
    this.core.fx.crashAt?.("after_intent");
    await this.#send(this.core.j.book.order(id)!, true);
  }

  async #send(o: Order, logged = false): Promise<void> {
    const core = this.core, id = o.clientOrderId;
    const gate = this.#gate(o);
    if (!gate.ok) {
      core.counters.denial(gate.reason);
      const why = `${gate.reason}: ${gate.detail}`;
      // Halted since admission: the order never leaves; its `submitted` is already on record.
      if (logged) {
        await core.apply(id, { kind: "rejected", reason: `never placed, not sent: ${why}` }, "worker");
      } else await core.apply(id, { kind: "denied", reason: why }, "worker");
      return;
    }
    if (!logged) core.fx.crashAt?.("after_intent");
    if (!logged) await core.apply(id, { kind: "submitted" }, "worker"); // durable before the request leaves
    core.inflight.set(id, { sentAtMs: core.now(), firstMissingMs: null, failedQueries: 0 });
    for (let attempt = 1;; attempt++) {
      const out = await core.venue.place(requestOf(o));
      if (out.kind !== "rejected") core.fx.crashAt?.("after_send");
      if (out.kind === "confirmed") {
        core.resending.delete(id);
        await core.apply(id, { kind: "accepted", venueOrderId: out.value.orderId }, "place");
        core.fx.crashAt?.("after_ack");
        const s = statusEvent(out.value);
        if (s && s.kind !== "accepted") await core.apply(id, s, "place");
        // Filled at once (a taker): its fills by query too, so a quiet stream cannot lose them.
        await fetchFills(core, core.j.book.order(id)!, out.value, "place");
        return;
      }
      if (out.kind === "ambiguous") {
        core.resending.delete(id);
        core.counters.emit("warn", EV.inflight, { clientOrderId: id, phase: "ambiguous", cause: out.cause });
        return;
      }
      if (out.reason === "rate_limited" && out.retryAtMs !== undefined) {
        // Refused before the engine (429) or never sent (local hold): the same id goes again after the wait.
        core.resending.add(id);
        // A wait, not a time: the connector's retry time is on its local clock, core.now() the venue's.
        const waitMs = out.retryInMs ?? Math.max(0, out.retryAtMs - core.now());
        core.counters.emit("warn", EV.submitRetry, { clientOrderId: id, attempt, waitMs, code: out.code });
        await sleep(waitMs, this.#stop.signal, core.fx.timers);
        // Settled meanwhile (nothing should, it is marked resending): never send it again.
        if (core.j.book.order(id)?.state !== "SUBMITTED") return void core.resending.delete(id);
        if (this.#stop.signal.aborted || !this.#gate(o).ok) {
          core.resending.delete(id);
          const why = this.#stop.signal.aborted ? "shutdown" : "TRADING_HALTED";
          await core.apply(
            id,
            { kind: "rejected", reason: `never placed (429), not resent: ${why}` },
            "worker",
          );
          return;
        }
        continue;
      }
      core.resending.delete(id);
      if (out.reason === "duplicate_client_id") {
        core.counters.emit("warn", EV.inflight, { clientOrderId: id, phase: "duplicate_id", msg: out.msg });
        return; // the venue has it: the in-flight checker finds it by query
      }
      await core.apply(id, { kind: "rejected", reason: `${out.reason}: ${out.msg}` }, "place");
      return;
    }
  }
}
