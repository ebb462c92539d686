// Whether a process still runs, from /proc (Linux): a waiter that asked another process for work (the
// feed's backup export) stops waiting the moment that process is gone, instead of at its deadline.

/**
 * true / false from /proc/<pid>/stat (a zombie, killed but not yet reaped by its parent, is gone);
 * null where there is no /proc to ask (then only a deadline helps).
 */
export async function processAlive(pid: number): Promise<boolean | null> {
  try {
    await Deno.stat("/proc/self/stat");
  } catch {
    return null;
  }
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    // "<pid> (<comm>) <state> ...": comm may hold spaces and parentheses, the state follows the last ")".
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}
