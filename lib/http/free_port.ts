// A loopback port the OS says is free right now (tests and throwaway daemons; never a contract port).

export function freePort(host = "127.0.0.1"): number {
  const l = Deno.listen({ hostname: host, port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}
