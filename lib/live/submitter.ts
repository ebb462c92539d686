// New orders and cancels. submit(): the risk check, one order at a time, against the book PLUS the
// orders admitted whose intents are not durable yet (so two concurrent submits cannot both pass a
// limit); the lock is released once the intent is appended, so concurrent intents share an fsync
// (group commit); then the queue. The worker sends one order at a time by the send protocol
// (records.ts): `submitted` durable (with the intent's own sync when the order goes at once), the kill
// switch checked at the venue boundary, then the request. It retries only what provably never reached
// the venue (a 429 or a local hold, same client id after the wait); an ambiguous answer leaves the
// order SUBMITTED for the in-flight checker; a duplicate-id refusal proves the order exists, too.
import { mayPass } from "../oms/kill_switch.ts";
import type { Order } from "../oms/order.ts";
import type { OmsJournal } from "../oms/journal.ts";
import type { NewOrder } from "../oms/records.ts";
import { isReducing } from "../oms/risk.ts";
import { SlidingLog } from "../util/sliding_window.ts";
import { exposure, newOrderOf, type OrderSpec, riskVerdict } from "./admission.ts";
import type { LoopCore } from "./core.ts";
import { EV } from "./counters.ts";
import { endHeld } from "./held.ts";
import { haltSwitch } from "./kill.ts";
import { placeOrder } from "./place.ts";

export type { OrderSpec };

export type SubmitResult =
  | { readonly ok: true; readonly clientOrderId: string }
  | { readonly ok: false; readonly reason: string; readonly detail: string };

export class Submitter {
  readonly #queue: string[] = [];
  #lock: Promise<unknown> = Promise.resolve();
  /** Sends of the last second, for the orders-per-second check. */
  readonly #sends = new SlidingLog(1_000);
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
    const v = riskVerdict(core, spec, this.#exposure(spec.symbol), this.#sends.count(now));
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
    this.#sends.add(now);
    // Nothing queued and the worker free: this order goes next, so its `submitted` shares the intent's
    // sync (one fsync before the request leaves, not two); the worker is held for it meanwhile.
    const direct = !this.#working && this.#queue.length === 0 && this.#maySend() && this.#gate(order).ok;
    const made = core.j.intent(order, counter, { submitted: direct });
    if (direct) this.#run(() => this.#sendLogged(id, made));
    const durable = made.then((r): SubmitResult => {
      if ("refused" in r) {
        this.#sends.remove(now); // not logged: its rate-window slot goes back
        return deny("INVALID_ORDER", r.refused);
      }
      if (!direct) this.enqueue(id);
      return { ok: true, clientOrderId: id };
    }, (err) => {
      this.#sends.remove(now); // the log failed: the loop halts (blockedReason), nothing was sent
      throw err;
    }).finally(() => {
      this.#admitted.delete(id);
      this.#durables.delete(durable);
    });
    this.#durables.add(durable);
    return { durable };
  }

  async #work(): Promise<void> {
    while (this.#queue.length > 0 && this.#maySend()) {
      const id = this.#queue.shift()!;
      const o = this.core.j.book.order(id);
      if (o && o.state === "INITIALIZED" && o.origin === "local") await this.#send(o);
      // Held during a reconciliation after its `submitted` sync (never sent): it goes now.
      else if (o?.state === "SUBMITTED" && this.core.resending.has(id)) await this.#send(o, true);
      else this.core.resending.delete(id);
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
    this.core.placing.add(id); // from here to its answer: the checker and reconciliation leave it alone
    await this.core.applied(id, { kind: "submitted" }, "worker", undefined, r.submitted.result);
    this.core.fx.crashAt?.("after_intent");
    await this.#send(this.core.j.book.order(id)!, true);
  }

  /** Never placed, its `submitted` on record: final (REJECTED) with why, so nothing looks for it. */
  async #unsent(id: string, why: string): Promise<void> {
    this.core.placing.delete(id);
    await endHeld(this.core, id, { kind: "rejected", reason: `never placed, not sent: ${why}` }, "worker");
  }

  async #send(o: Order, logged = false): Promise<void> {
    const core = this.core, id = o.clientOrderId;
    let gate = this.#gate(o);
    if (!gate.ok && !logged) {
      core.counters.denial(gate.reason);
      return void await core.apply(
        id,
        { kind: "denied", reason: `${gate.reason}: ${gate.detail}` },
        "worker",
      );
    }
    if (!logged) {
      core.fx.crashAt?.("after_intent");
      core.fx.crashAt?.("after_queued_intent");
      core.resending.add(id); // held through its sync (held.ts): a cancel meanwhile ends it, never sent
      const took = await core.apply(id, { kind: "submitted" }, "worker"); // durable before the request leaves
      // Canceled during the sync (held.ts), or ended before it (a cancel's end appended first, the book
      // not showing it yet when the order was taken): refused, so never sent.
      if (!took || !core.resending.has(id)) return void core.resending.delete(id);
      gate = this.#gate(o); // halted during the sync: it must not leave (checked right before the request)
    }
    if (!gate.ok) {
      core.counters.denial(gate.reason);
      return this.#unsent(id, `${gate.reason}: ${gate.detail}`);
    }
    if (this.#stop.signal.aborted) return this.#unsent(id, "shutdown");
    if (!this.#maySend()) {
      // A reconciliation (stream reconnect) began or the loop blocked during the sync: provably not sent,
      // so it is held (resending: reconciliation and the checker skip it) and sent after, same client id;
      // a crash meanwhile leaves it SUBMITTED: the warm start's query finds it absent, REJECTED after grace.
      core.placing.delete(id);
      core.resending.add(id);
      this.#queue.unshift(id);
      return;
    }
    core.resending.delete(id);
    // Held again after a Retry-After wait that ended in a reconciliation: sent after it, same client id.
    if (await placeOrder(this.core, o, () => this.#gate(o).ok, this.#stop.signal) === "held") {
      this.#queue.unshift(id);
    }
  }
}
