/// <reference lib="deno.worker" />
// Test support (a Web Worker): appends `n` records of ~`pad` bytes to `path` through the JSONL
// appender, so lib/fs/jsonl_append_test.ts can run two appenders truly in parallel on one file.
import { JsonlAppender } from "../lib/fs/jsonl_append.ts";

interface Job {
  path: string;
  who: string;
  n: number;
  pad: number;
}

self.onmessage = (e: MessageEvent<Job>) => {
  const { path, who, n, pad } = e.data;
  const out = JsonlAppender.openSync(path);
  try {
    for (let i = 0; i < n; i++) out.append({ who, i, pad: who.repeat(pad) });
  } finally {
    out.close();
  }
  self.postMessage("done");
};
