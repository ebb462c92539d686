// The one place that knows proof folder kinds: `<kind>_<YYYYMMDDTHHMMSSZ>[_N]` under the evidence
// root, sealed (the manifest is there), each kind's verdict and failed gates. `./tp evidence` and the
// operator page's evidence panel both read folders through here.
import { basename, join } from "node:path";
import { isFile } from "../fs/exists.ts";
import { MANIFEST_NAME, SIGNATURE_NAME } from "./manifest.ts";

export { SIGNATURE_NAME };

export const PROOF_DIR_RE = /^([A-Za-z0-9][A-Za-z0-9_.-]*?)_(\d{8}T\d{6}Z)(?:_(\d+))?$/;

/** Each kind the product writes, and its human summary (the file with the `verdict` line). */
export const KINDS = {
  ai_live_ops_verify: { summary: "AI_LIVE_OPS_SUMMARY.txt" },
  ai_live_activity_demo: { summary: "ACTIVITY_DEMO_SUMMARY.txt" },
  ai_live_local_verify: { summary: "OPERATOR_NOTE.txt" },
  oncall: { summary: "ONCALL_SUMMARY.txt" },
  live_loop_verify: { summary: "LIVE_LOOP_VERIFY_SUMMARY.txt" },
  drift_report: { summary: "DRIFT_REPORT_SUMMARY.txt" },
  backtest: { summary: "BACKTEST_SUMMARY.txt" },
  backup_drill: { summary: "BACKUP_DRILL_SUMMARY.txt" },
} as const;
export type Kind = keyof typeof KINDS;

export type Verdict = "PASS" | "FAIL";

export interface FolderName {
  /** The folder's own name, e.g. `oncall_20261202T050000Z_2`. */
  readonly dir: string;
  readonly kind: string;
  readonly stamp: string;
  /** 1 for `<kind>_<stamp>`, N for `<kind>_<stamp>_N` (another run in the same second). */
  readonly seq: number;
}

export function isKnownKind(kind: string): kind is Kind {
  return Object.hasOwn(KINDS, kind);
}

export function parseFolderName(dir: string): FolderName | null {
  const m = PROOF_DIR_RE.exec(dir);
  return m ? { dir, kind: m[1], stamp: m[2], seq: m[3] ? Number(m[3]) : 1 } : null;
}

/** Newest first: stamp, then the same second's later run, then by name. */
export function newestFirst(a: FolderName, b: FolderName): number {
  return b.stamp.localeCompare(a.stamp) || b.seq - a.seq || a.dir.localeCompare(b.dir);
}

export function stampToIso(stamp: string): string {
  return `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${
    stamp.slice(11, 13)
  }:${stamp.slice(13, 15)}Z`;
}

/**
 * Sealed proof folders under `root`, newest first. Working folders sharing the root and the name
 * pattern (Prometheus TSDB, `.staging`, `.work`, `events`) hold no manifest, so they are not proofs.
 */
export async function listProofFolders(root: string): Promise<{ exists: boolean; folders: FolderName[] }> {
  const folders: FolderName[] = [];
  try {
    for await (const e of Deno.readDir(root)) {
      const name = e.isDirectory ? parseFolderName(e.name) : null;
      if (name && await isFile(join(root, e.name, MANIFEST_NAME))) folders.push(name);
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { exists: false, folders: [] };
    throw err;
  }
  return { exists: true, folders: folders.sort(newestFirst) };
}

/**
 * `verdict=PASS` (summaries) or `VERDICT: PASS` (the local verify's OPERATOR_NOTE.txt) on a line of its
 * own; the first such line wins.
 */
export function parseVerdictText(text: string): Verdict | null {
  const m = /^\s*verdict\s*(?:=|:)\s*(PASS|FAIL)\s*$/im.exec(text);
  return m ? m[1].toUpperCase() as Verdict : null;
}

/** summary.json's top-level "verdict" field. */
export function parseVerdictJson(text: string): Verdict | null {
  try {
    const v = (JSON.parse(text) as { verdict?: unknown })?.verdict;
    return v === "PASS" || v === "FAIL" ? v : null;
  } catch {
    return null;
  }
}

const MAX_SUMMARY_BYTES = 1 << 20;

/**
 * The verdict of any folder from its files (`path`, `size`): text summaries and notes at the top
 * first, then summary.json; the file it came from too.
 */
export async function verdictFromFiles(
  dir: string,
  files: readonly { path: string; size: number }[],
): Promise<{ verdict: Verdict | null; file: string | null }> {
  const candidates = [
    ...files.filter((f) => !f.path.includes("/") && /(summary|note).*\.txt$/i.test(f.path)),
    ...files.filter((f) => f.path.toLowerCase() === "summary.json"),
  ];
  for (const f of candidates) {
    if (f.size > MAX_SUMMARY_BYTES) continue;
    const text = await Deno.readTextFile(join(dir, f.path));
    const verdict = f.path.endsWith(".json") ? parseVerdictJson(text) : parseVerdictText(text);
    if (verdict) return { verdict, file: f.path };
  }
  return { verdict: null, file: null };
}

export interface FolderSummary extends FolderName {
  readonly path: string;
  readonly known: boolean;
  readonly verdict: Verdict | null;
  /** Gates (or checks) that did not pass, as the folder records them. */
  readonly failed: readonly string[];
  readonly signed: boolean;
  /** Proof folders this one judged (a local verify's LATEST_DIRS.txt), by folder name. */
  readonly refs: readonly string[];
}

/** One folder as `evidence list` shows it. */
export async function readFolderSummary(root: string, name: FolderName): Promise<FolderSummary> {
  const path = join(root, name.dir);
  const known = isKnownKind(name.kind);
  const text = known ? await readText(join(path, KINDS[name.kind as Kind].summary)) : null;
  const verdict = text === null ? null : parseVerdictText(text);
  const gates = known ? await readGates(path, name.kind as Kind) : [];
  const failed = gates.filter((g) => g.status !== "PASS").map((g) => g.key);
  const latest = name.kind === "ai_live_local_verify"
    ? await readText(join(path, "LATEST_DIRS.txt")) ?? ""
    : "";
  const refs = [...latest.matchAll(/^(?:activity_demo|ops_verify)=(.+)$/gm)].map((m) => basename(m[1]));
  return { ...name, path, known, verdict, failed, signed: await isFile(join(path, SIGNATURE_NAME)), refs };
}

/** A gate as a folder records it: key, status, value (null when there was none). */
export interface GateValue {
  readonly key: string;
  readonly status: string;
  readonly value: number | null;
}

const asGates = (gates: unknown): GateValue[] =>
  Array.isArray(gates)
    ? gates.map((g) => ({
      key: String(g?.key),
      status: String(g?.status),
      value: typeof g?.value === "number" ? g.value : null,
    }))
    : [];

/** Every gate (or check) a folder of a known kind records, in its order. */
export async function readGates(path: string, kind: Kind): Promise<GateValue[]> {
  const json = async (rel: string) => {
    const t = await readText(join(path, rel));
    try {
      return t === null ? {} : JSON.parse(t) as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  if (
    kind === "ai_live_ops_verify" || kind === "live_loop_verify" || kind === "drift_report" ||
    kind === "backtest" || kind === "backup_drill"
  ) {
    return asGates((await json("summary.json")).gates);
  }
  if (kind === "oncall") return asGates((await json("summary.json")).checks);
  if (kind === "ai_live_local_verify") {
    const note = await readText(join(path, KINDS[kind].summary)) ?? "";
    const parts = [
      ["activity_demo", /^\s*activity demo:\s*(\S+)/m, "PASS"],
      ["ops_verify", /^\s*ops verify:\s*(\S+)/m, "PASS"],
      ["key_material_scan", /^\s*key scan:\s*(\S+)/m, "CLEAN"],
    ] as const;
    const said = parts.map(([key, re, good]) => {
      const word = re.exec(note)?.[1] ?? "absent";
      return { key, status: word === good ? "PASS" : word === "absent" ? "NO_DATA" : "FAIL", value: null };
    });
    return [...said, ...asGates((await json("stack/stack_gates.json")).gates)];
  }
  const s = await json("summary.json");
  const num = (v: unknown) => (v === undefined || v === "NO_DATA" ? null : Number(v));
  const seen = num(s.decisions_seen_in_prometheus), series = num(s.run_scoped_last_event_series);
  return [
    ...(s.unreachable ? [{ key: "unreachable", status: "FAIL", value: null }] : []),
    {
      key: "decisions_seen_in_prometheus",
      status: seen === null ? "NO_DATA" : seen === num(s.decisions_emitted) ? "PASS" : "FAIL",
      value: seen,
    },
    {
      key: "run_scoped_last_event_series",
      status: series === null ? "NO_DATA" : series > 0 ? "PASS" : "FAIL",
      value: series,
    },
  ];
}

async function readText(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return null;
  }
}
