// The live execution loop (issue 12, the runbook's API): start({ coldStart }), submitOrder, cancelOrder,
// shutdown(), and the read-only snapshot() and hooks for its HTTP shell. It assembles lib/oms: boot
// from the state dir (a quarantined state never trades and says why), a new run's hash-chained log,
// reconciliation with the venue (warm), the submission worker, the user stream, the in-flight checker,
// the persisted kill switch. Venue, clock, timers and logger are injected.
import { bootOms, type BootResult, runPath } from "../oms/boot.ts";
import { EventLog } from "../oms/event_log.ts";
import { OmsJournal } from "../oms/journal.ts";
import type { Order } from "../oms/order.ts";
import { REC } from "../oms/records.ts";
import { checkLiveConfig, type LiveConfig } from "./config.ts";
import { LoopCore, type LoopEffects } from "./core.ts";
import { EV, LoopCounters } from "./counters.ts";
import { endAllHeld } from "./held.ts";
import { cancelOrder, type CancelResult, checkInflight } from "./inflight.ts";
import { haltSwitch, loadEquity, markAndGuard, resetSwitch } from "./kill.ts";
import { loadBaseline } from "./ledger.ts";
import {
  closable,
  coldStart,
  flattenOnHalt,
  logRecovery,
  runReconciliation,
  saveBookSnapshot,
} from "./lifecycle.ts";
import type { LoopHookName, LoopHooks, LoopReader, LoopView, ReconciliationView } from "./loop_view.ts";
import { StreamRunner } from "./stream.ts";
import { type OrderSpec, type SubmitResult, Submitter } from "./submitter.ts";
import { buildView, emptyRecon } from "./view.ts";

export type { CancelResult, OrderSpec, SubmitResult };

export class LiveLoop implements LoopReader {
  readonly #core: LoopCore;
  readonly #sub: Submitter;
  readonly #stream: StreamRunner;
  #boot: BootResult | null = null;
  #run: number | null = null;
  #startMode: "cold" | "warm" | null = null;
  #phase: "starting" | "running" | "stopped" = "starting";
  #recon: ReconciliationView = emptyRecon();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #checking: Promise<void> | null = null;
  #stopping = false;
  /** The switch was HALTED before its last change (flatten once per halt). */
  #halted = false;

  constructor(cfg: LiveConfig, fx: LoopEffects) {
    this.#core = new LoopCore(
      checkLiveConfig(cfg, fx.venue.requestTimeoutMs),
      fx,
      new LoopCounters(fx.logger),
    );
    this.#sub = new Submitter(this.#core);
    this.#stream = new StreamRunner(this.#core, () => this.#reconcile("reconnect"));
    this.#core.afterFill = () => this.#afterMark();
    // Whoever halts (an operator, a limit at a mark or at a submit): flatten per config, once per halt.
    this.#core.on("kill_switch", (ks) => {
      if (ks.state === "HALTED" && !this.#halted) flattenOnHalt(this.#core, this.#sub);
      this.#halted = ks.state === "HALTED";
    });
  }

  /** Boots from the state dir and starts trading (warm: after reconciling with the venue). */
  async start(opts: { readonly coldStart?: boolean } = {}): Promise<LoopView> {
    const core = this.#core, dir = core.cfg.stateDir;
    await Deno.mkdir(dir, { recursive: true });
    const boot = this.#boot = await bootOms(dir);
    const ks = await core.loadSwitch();
    this.#halted = core.ks.state === "HALTED";
    core.equity = await loadEquity(dir);
    core.baseline = await loadBaseline(dir);
    logRecovery(core, boot, ks.problem);
    if (boot.classification === "quarantined") {
      core.blocked = `state quarantined: ${buildView(this.#parts()).store.recoveryProblems.join("; ")}`;
      this.#phase = "running";
      return this.snapshot();
    }
    this.#run = core.run = boot.nextRun;
    const log = await EventLog.create(runPath(dir, boot.nextRun), {
      now: () => core.now(),
      onSync: (ms) => core.counters.fsync(ms),
      monoMs: core.fx.monoMs,
    });
    core.journal = new OmsJournal(boot.book, log, core.cfg.tag);
    await core.j.record(
      REC.runStart,
      { runId: `${core.cfg.tag}-run${boot.nextRun}`, tag: core.cfg.tag },
      null,
    );
    this.#startMode = opts.coldStart ? "cold" : "warm";
    core.reconciling = true;
    this.#stream.start();
    if (opts.coldStart) await this.#stream.exclusive(() => coldStart(core));
    else await this.#stream.exclusive(() => this.#reconcile("start"));
    this.#phase = "running";
    this.#schedule();
    const v = this.snapshot();
    core.counters.emit("info", EV.start, { mode: this.#startMode, run: this.#run, status: v.status });
    return v;
  }

  /** Risk check and durable intent; the worker sends it. `venue` must be this loop's venue. */
  submitOrder(venue: string, order: OrderSpec, correlationId: string): Promise<SubmitResult> {
    if (venue !== this.#core.venue.name) {
      return Promise.resolve({
        ok: false,
        reason: "UNKNOWN_VENUE",
        detail: `this loop trades ${this.#core.venue.name}`,
      });
    }
    return this.#sub.submit(order, correlationId);
  }

  /** Cancels pass the kill switch and a running reconciliation. */
  cancelOrder(venue: string, clientOrderId: string): Promise<CancelResult> {
    if (venue !== this.#core.venue.name) {
      return Promise.resolve({ ok: false, reason: `unknown venue ${venue}` });
    }
    if (!this.#core.journal) return Promise.resolve({ ok: false, reason: "the loop has no open event log" });
    return cancelOrder(this.#core, this.#sub, clientOrderId);
  }

  /** A closed bar from the feed: the collar's reference, the mark for equity and drawdown. */
  async onBar(bar: { readonly symbol: string; readonly close: number; readonly closeTimeMs: number }) {
    this.#core.lastClose.set(bar.symbol, { price: bar.close, closeTimeMs: bar.closeTimeMs });
    this.#core.marks.set(bar.symbol, bar.close);
    await this.#afterMark();
  }

  engageKillSwitch(reason: string, by = "admin"): Promise<void> {
    return haltSwitch(this.#core, "engage", reason, by);
  }
  resetKillSwitch(reason: string, by = "admin"): Promise<void> {
    return resetSwitch(this.#core, reason, by);
  }

  /** Runs a reconciliation now (an operator's retry after one failed); trading resumes if it succeeds. */
  async reconcileNow(): Promise<LoopView> {
    if (this.#core.journal && !this.#stopping) await this.#stream.exclusive(() => this.#reconcile("start"));
    return this.snapshot();
  }

  /** One in-flight check now (the timer runs one every inflight.intervalMs). */
  checkInflight(): Promise<void> {
    if (!this.#core.journal || this.#core.reconciling || this.#stopping) return Promise.resolve();
    this.#checking ??= checkInflight(this.#core).catch((err) =>
      this.#core.counters.emit("error", EV.inflight, { phase: "crashed", error: String(err) })
    ).finally(() => this.#checking = null);
    return this.#checking;
  }

  /** Resolves once the worker, the stream's handlers and an in-flight round have nothing left to do. */
  async idle(): Promise<void> {
    await this.#sub.idle();
    await this.#stream.exclusive(() => Promise.resolve());
    await this.#checking;
    await this.#sub.idle();
  }

  /** The OMS's orders now (read-only), sorted by client id. */
  orders(): readonly Order[] {
    return this.#core.journal ? this.#core.j.book.toJSON().orders : [];
  }

  /** Base atoms one close of the symbol's position sends (`qty`), the `rest` over the maximum, the dust. */
  closable(symbol: string): ReturnType<typeof closable> {
    return this.#core.journal ? closable(this.#core, symbol) : { qty: 0, rest: 0, dust: 0 };
  }

  snapshot(): LoopView {
    return buildView(this.#parts());
  }
  on<K extends LoopHookName>(event: K, fn: LoopHooks[K]): () => void {
    return this.#core.on(event, fn);
  }

  /** Stops the worker (the order being sent finishes), cancels per config, persists, ends the run cleanly. */
  async shutdown(): Promise<{ readonly open: readonly string[]; readonly queued: readonly string[] }> {
    const core = this.#core;
    this.#halt();
    await this.#sub.idle();
    await this.#checking;
    if (core.cfg.cancelOnShutdown && core.journal) {
      for (const o of core.j.book.working()) {
        if (o.origin === "local") await cancelOrder(core, this.#sub, o.clientOrderId);
      }
    }
    await this.#stream.stop();
    if (core.journal && !core.j.log.failed) await endAllHeld(core, (id) => this.#sub.unqueue(id), "shutdown");
    const open = core.journal ? core.j.book.working().map((o) => o.clientOrderId) : [];
    const queued = core.journal ? core.j.book.neverSent().map((o) => o.clientOrderId) : [];
    if (core.journal && !core.j.log.failed) {
      await saveBookSnapshot(core);
      await core.j.log.close({ open, queued });
    }
    this.#phase = "stopped";
    core.counters.emit("info", EV.shutdown, { open, queued, killSwitch: core.killSwitch?.state ?? null });
    return { open, queued };
  }

  /** Stops without the clean-end marker: what a crash leaves on disk (tests, and a failed event log). */
  async abandon(): Promise<void> {
    this.#halt();
    await this.#stream.stop();
    this.#core.journal?.log.abandon();
    this.#phase = "stopped";
  }

  #halt(): void {
    this.#stopping = true;
    if (this.#timer !== null) this.#core.fx.timers.clearTimeout(this.#timer);
    this.#timer = null;
    this.#sub.stop();
    this.#phase = this.#phase === "starting" ? "stopped" : this.#phase;
  }

  #schedule(): void {
    this.#timer = this.#core.fx.timers.setTimeout(() => {
      this.#timer = null;
      if (this.#stopping || this.#core.journal?.log.failed) return;
      this.checkInflight().finally(() => !this.#stopping && this.#schedule());
    }, this.#core.cfg.inflight.intervalMs);
  }

  #parts() {
    return {
      core: this.#core,
      boot: this.#boot,
      run: this.#run,
      startMode: this.#startMode,
      phase: this.#phase,
      recon: this.#recon,
      stream: this.#stream,
      sub: this.#sub,
    };
  }

  #reconcile(trigger: "start" | "reconnect"): Promise<void> {
    const set = (v: ReconciliationView) => this.#recon = v;
    return runReconciliation(this.#core, this.#sub, this.#recon, trigger, set, () => this.#afterMark());
  }

  async #afterMark(): Promise<void> {
    await markAndGuard(this.#core);
    this.#core.fire("position_snapshot", this.#core.positions());
  }
}
