// SHA-256, hex-encoded: the one hash of the project (evidence manifests and attestations, backup
// manifests, the store's answers, the OMS log chain and snapshots). node:crypto rather than Web Crypto,
// because the code needs what Web Crypto's one-shot async digest cannot give: a synchronous hash (the
// event log chains each record as it appends it) and a file of any size read in chunks (a backup's
// Parquet files), never whole into memory.
import { createHash } from "node:crypto";

/** SHA-256 of bytes, or of text as UTF-8. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

export interface FileSha256 {
  readonly sha256: string;
  readonly size: number;
}

const CHUNK = 1 << 20;

/** SHA-256 and size of the file at `path`, read in 1 MiB chunks. */
export async function sha256File(path: string): Promise<FileSha256> {
  const f = await Deno.open(path, { read: true });
  const hash = createHash("sha256");
  let size = 0;
  try {
    const buf = new Uint8Array(CHUNK);
    for (;;) {
      const n = await f.read(buf);
      if (n === null) break;
      hash.update(buf.subarray(0, n));
      size += n;
    }
  } finally {
    f.close();
  }
  return { sha256: hash.digest("hex"), size };
}
