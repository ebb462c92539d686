// Before the proof starts anything: every contract port is either free (the proof starts the
// component) or answered by a healthy component (the proof uses it). A port held by something that
// does not answer the component's health path is an environment error naming port and holder.
import { portTaken, probe } from "../proc/child.ts";
import { describeHolder, portHolder } from "../proc/port_holder.ts";
import { PortBusyError } from "../util/errors.ts";

export interface PortUse {
  name: string;
  port: number;
  /** Path answering 2xx when the expected component holds the port. */
  probePath: string;
}

export interface PortConflict extends PortUse {
  holder: string;
}

export async function portConflicts(host: string, uses: readonly PortUse[]): Promise<PortConflict[]> {
  const out: PortConflict[] = [];
  for (const u of uses) {
    if (await probe(`http://${host}:${u.port}${u.probePath}`)) continue;
    if (!(await portTaken(host, u.port))) continue;
    out.push({ ...u, holder: describeHolder(await portHolder(u.port)) });
  }
  return out;
}

/** One line per conflict: what the port is for, who holds it, and what to do. */
export function conflictText(host: string, conflicts: readonly PortConflict[]): string {
  return conflicts.map((c) =>
    `port ${c.port} (${c.name}) on ${host} is held by ${c.holder}, which does not answer ${c.probePath}; ` +
    `stop it or free the port, then run ./tp verify again (nothing was started)`
  ).join("\n");
}

/** Throws a PortBusyError (exit 2) listing every conflict; returns when there is none. */
export async function assertPortsUsable(host: string, uses: readonly PortUse[]): Promise<void> {
  const conflicts = await portConflicts(host, uses);
  if (conflicts.length) throw new PortBusyError(conflictText(host, conflicts));
}
