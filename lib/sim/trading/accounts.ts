// Per-API-key paper accounts: balances in atoms (free and locked per asset) and the account's
// commission rates. Locks follow Binance: a resting buy holds quote, a resting sell holds base.
import { exact } from "./decimal.ts";
import type { Balance } from "./types.ts";

export interface AccountConfig {
  /** Starting balances in atoms by asset. */
  readonly balances: Readonly<Record<string, number>>;
  /** Commission rates in atoms of a unit (0.001 = 100_000 = 10 bps). */
  readonly makerRate: number;
  readonly takerRate: number;
}

/** `exact`, with its message built only when it fails (this runs on every fill and placement). */
const checked = (n: number, asset: string, field: string): number =>
  Number.isSafeInteger(n) ? n : exact(n, `${asset} ${field}`);

export class Account {
  readonly name: string;
  readonly makerRate: number;
  readonly takerRate: number;
  readonly balances = new Map<string, Balance>();
  /** Time of the last balance change (account updateTime, outboundAccountPosition u). */
  updateTime = 0;

  constructor(name: string, cfg: AccountConfig) {
    this.name = name;
    this.makerRate = cfg.makerRate;
    this.takerRate = cfg.takerRate;
    for (const [asset, free] of Object.entries(cfg.balances)) this.balances.set(asset, { free, locked: 0 });
  }

  balance(asset: string): Balance {
    let b = this.balances.get(asset);
    if (!b) this.balances.set(asset, b = { free: 0, locked: 0 });
    return b;
  }

  free(asset: string): number {
    return this.balances.get(asset)?.free ?? 0;
  }

  /** Moves `atoms` from free to locked; false (nothing changed) when free is short. */
  lock(asset: string, atoms: number, now: number): boolean {
    const b = this.balance(asset);
    if (b.free < atoms) return false;
    b.free = checked(b.free - atoms, asset, "free");
    b.locked = checked(b.locked + atoms, asset, "locked");
    this.updateTime = now;
    return true;
  }

  /** Returns locked atoms to free (a cancel, an expiry, a fill cheaper than its limit). */
  unlock(asset: string, atoms: number, now: number): void {
    if (atoms === 0) return;
    const b = this.balance(asset);
    if (b.locked < atoms) throw new RangeError(`Cannot unlock ${atoms} ${asset}: only ${b.locked} locked`);
    b.locked -= atoms;
    b.free = checked(b.free + atoms, asset, "free");
    this.updateTime = now;
  }

  /** Spends from locked (fromLocked) or free, then credits `gain` of another asset to free. */
  settle(
    pay: { asset: string; atoms: number; fromLocked: boolean },
    gain: { asset: string; atoms: number },
    now: number,
  ): void {
    const b = this.balance(pay.asset);
    const field = pay.fromLocked ? "locked" : "free";
    if (b[field] < pay.atoms) {
      throw new RangeError(`Cannot pay ${pay.atoms} ${pay.asset}: ${field} is ${b[field]}`);
    }
    b[field] -= pay.atoms;
    const g = this.balance(gain.asset);
    g.free = checked(g.free + gain.atoms, gain.asset, "free");
    this.updateTime = now;
  }

  /** Balances sorted by asset (account endpoint order is by asset in the simulator). */
  list(): { asset: string; free: number; locked: number }[] {
    return [...this.balances.entries()].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
      .map(([asset, b]) => ({ asset, free: b.free, locked: b.locked }));
  }
}
