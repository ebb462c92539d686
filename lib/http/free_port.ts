// A loopback port the OS says is free right now (tests and throwaway daemons; never a contract port).
// Never the same port twice in one process: the OS can hand a just-closed port out again, and a stack
// that asks for five ports in a row once got the same one for the simulator and the feed.

const given = new Set<string>();

export function freePort(host = "127.0.0.1"): number {
  const held: Deno.Listener[] = [];
  try {
    for (;;) {
      const l = Deno.listen({ hostname: host, port: 0 });
      held.push(l); // held open while looking further, so the OS cannot offer it again meanwhile
      const port = (l.addr as Deno.NetAddr).port;
      if (given.has(`${host}:${port}`)) continue;
      given.add(`${host}:${port}`);
      return port;
    }
  } finally {
    for (const l of held) l.close();
  }
}
