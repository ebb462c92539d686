#!/usr/bin/env -S deno run -A
// The naive floor for the exporter's one-shot bench (a whole process, no tickproof code): read the
// file in 1 MiB chunks, decode, split on "\n", JSON.parse every line. Prints `lines=N objects=M`.
// Usage: deno run -A bench/bare_parse.ts FILE
const f = await Deno.open(Deno.args[0]);
const buf = new Uint8Array(1 << 20);
const dec = new TextDecoder();
let rest = "", lines = 0, objects = 0;
const parse = (line: string) => {
  lines++;
  try {
    if (typeof JSON.parse(line) === "object") objects++;
  } catch {
    // a malformed line is still a line
  }
};
while (true) {
  const n = await f.read(buf);
  if (n === null) break;
  const text = rest + dec.decode(buf.subarray(0, n), { stream: true });
  const parts = text.split("\n");
  rest = parts.pop()!;
  for (const line of parts) parse(line);
}
f.close();
rest += dec.decode();
if (rest !== "") parse(rest);
console.log(`lines=${lines} objects=${objects}`);
