// The event log's line format and its reading. One JSON line per record: a per-run sequence number
// (1, 2, ...), the record type, the time, the correlation id, the data and a hash chain: each hash is
// sha256(previous hash + the line's JSON without its hash), the first one chained to GENESIS. Reading
// is pure over the file's bytes: it verifies every line and classifies the run.
import { sha256Hex } from "../evidence/sha256.ts";

export const GENESIS = "0".repeat(64);
/** The clean-end marker: the last record of a run that shut down cleanly. */
export const RUN_END = "run_end";

export interface LogBody {
  readonly seq: number;
  readonly type: string;
  readonly atMs: number;
  /** The correlation id that travels from the strategy's decision through orders and fills. */
  readonly corr: string | null;
  readonly data: unknown;
}
export interface LogRecord extends LogBody {
  readonly hash: string;
}

const chain = (prev: string, bodyJson: string) => sha256Hex(prev + bodyJson);

/** The record with its hash, chained to `prevHash`; key order is fixed here, so the line is too. */
export function sealRecord(prevHash: string, b: LogBody): LogRecord {
  const body: LogBody = { seq: b.seq, type: b.type, atMs: b.atMs, corr: b.corr, data: b.data };
  return { ...body, hash: chain(prevHash, JSON.stringify(body)) };
}

/** How a run's log was found: ended cleanly, crashed with a sound tail, or not to be trusted. */
export type RunStatus = "clean" | "crashed_recovered" | "quarantined";

export interface LogReading {
  readonly status: RunStatus;
  /** The verified records, in order (the prefix before the break when quarantined). */
  readonly records: readonly LogRecord[];
  /** Bytes of the verified whole lines: where a torn tail is cut. */
  readonly validBytes: number;
  /** Bytes of a torn last line (no newline: the write was cut by a crash); 0 when none. */
  readonly tornBytes: number;
  /** Quarantined: what broke, and on which line. */
  readonly problem: string | null;
  readonly lastSeq: number;
  readonly lastHash: string;
}

const dec = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads a run's log. A last line without its newline is torn (its append never became durable, so
 * nothing acted on it): reported and left out. Any other fault (a line that is not a record, a hash
 * that does not chain, a sequence gap, a record after the end marker) quarantines the run.
 */
export function readLog(bytes: Uint8Array): LogReading {
  const lastNl = bytes.lastIndexOf(10);
  const whole = lastNl + 1;
  const tornBytes = bytes.length - whole;
  const records: LogRecord[] = [];
  let hash = GENESIS, seq = 0, start = 0, line = 0;
  const result = (status: RunStatus, problem: string | null): LogReading => ({
    status,
    records,
    validBytes: start,
    tornBytes,
    problem,
    lastSeq: seq,
    lastHash: hash,
  });
  while (start < whole) {
    const end = bytes.indexOf(10, start);
    line++;
    const bad = (why: string) => result("quarantined", `line ${line}: ${why}`);
    if (seq > 0 && records[records.length - 1].type === RUN_END) {
      return bad("a record after the clean-end marker");
    }
    let rec: LogRecord;
    try {
      rec = JSON.parse(dec.decode(bytes.subarray(start, end)));
    } catch {
      return bad("not a JSON line");
    }
    if (!isRecord(rec)) return bad("not a log record (seq, type, atMs, corr, data, hash)");
    if (rec.seq !== seq + 1) return bad(`sequence gap: expected ${seq + 1}, found ${rec.seq}`);
    const { hash: h, ...body } = rec;
    if (chain(hash, JSON.stringify(body)) !== h) return bad(`hash mismatch at seq ${rec.seq}`);
    records.push(rec);
    hash = h;
    seq = rec.seq;
    start = end + 1;
  }
  const clean = records.length > 0 && records[records.length - 1].type === RUN_END;
  return result(clean && tornBytes === 0 ? "clean" : "crashed_recovered", null);
}

function isRecord(r: unknown): r is LogRecord {
  if (typeof r !== "object" || r === null || Array.isArray(r)) return false;
  const o = r as Record<string, unknown>;
  return Number.isSafeInteger(o.seq) && typeof o.type === "string" && typeof o.atMs === "number" &&
    (o.corr === null || typeof o.corr === "string") && "data" in o && typeof o.hash === "string" &&
    Object.keys(o).join() === "seq,type,atMs,corr,data,hash";
}
