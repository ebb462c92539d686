// ai_live_local_verify: each stack gate recomputed from its raw answer (stack/gate_<key>.txt) with the
// functions that judged it (componentsGate, evaluateGate on stackPromGates, httpGate on the stored
// HTTP answer), the key scan from its report, and the whole verdict with wholeVerdict.
import { basename, dirname, join } from "node:path";
import { stackRawFile } from "../evidence/gate_sources.ts";
import { parseVerdictText } from "../evidence/kinds.ts";
import type { ComponentStatus } from "../verify/stack.ts";
import { evaluateGate } from "../verify/gates.ts";
import { wholeVerdict } from "../verify/operator_note.ts";
import { HTTP_BODY_OK, httpGate, type JudgedGate, stackPromGates } from "../verify/stack_gates.ts";
import { componentsGate } from "../verify/stack_judge.ts";
import {
  byKey,
  type CheckRow,
  compareGate,
  problem,
  readJson,
  readText,
  row,
  skip,
  storedOutcome,
  unexpected,
} from "./rows.ts";

/** `HTTP 200 OK\n<body>` or `GET <url> failed: <why>`, replayed into httpGate as the answer it got. */
function replay(raw: string): typeof fetch {
  const failed = /^GET \S+ failed: (.*)\n?$/s.exec(raw);
  if (failed) return () => Promise.reject(new Error(failed[1]));
  const m = /^HTTP (\d{3}) ([^\n]*)\n/.exec(raw);
  if (!m) return () => Promise.reject(new Error("stored answer is not an HTTP answer"));
  const body = raw.slice(m[0].length);
  return () => Promise.resolve(new Response(body, { status: Number(m[1]), statusText: m[2] }));
}

async function recomputeGate(
  key: string,
  promql: string,
  raw: string,
  venues: string[],
): Promise<JudgedGate> {
  if (key === "stack_components") {
    const statuses = raw.split("\n").filter(Boolean).map((l) => {
      const [name, port, state, ...detail] = l.split("\t");
      return { name, port: Number(port), state, detail: detail.join("\t") } as ComponentStatus;
    });
    return componentsGate(statuses);
  }
  if (HTTP_BODY_OK[key]) {
    return await httpGate(key, promql.replace(/^GET /, ""), HTTP_BODY_OK[key], replay(raw));
  }
  const spec = stackPromGates(venues, true).find((g) => g.key === key);
  if (!spec) throw new RangeError(key);
  return { result: evaluateGate(spec, storedOutcome(raw, spec.promql)), raw };
}

export async function recomputeLocal(dir: string): Promise<CheckRow[]> {
  const gatesJson = await readJson(dir, "stack/stack_gates.json");
  if (!gatesJson) {
    return [
      problem(
        "stack gates",
        "stack/stack_gates.json",
        "missing",
        "stack/stack_gates.json missing or not JSON",
      ),
    ];
  }
  const stored = byKey(gatesJson.gates);
  // Gates are known from the raw answers too, so one dropped from stack_gates.json (with its venue) shows.
  const rawKeys = await rawGateKeys(dir);
  const venues = [...new Set([...stored.keys(), ...rawKeys])].flatMap((k) =>
    /^feed_bars_closed_(.+)$/.exec(k)?.[1] ?? []
  );
  // The live loop's gates are expected once a folder holds any (folders from before it ran hold none).
  const live = [...stored.keys(), ...rawKeys].some((k) => k.startsWith("live_loop_"));
  const known = new Set([
    "stack_components",
    ...Object.keys(HTTP_BODY_OK).filter((k) => live || !k.startsWith("live_loop_")),
    ...stackPromGates(venues, live).map((g) => g.key),
  ]);
  const rows: CheckRow[] = [];
  const gates: JudgedGate[] = [];
  for (const [key, s] of stored) {
    if (!known.has(key)) continue;
    const raw = await readText(dir, stackRawFile(key));
    if (raw === null) {
      rows.push(problem(`gate ${key}`, "-", "-", `${key}: raw answer ${stackRawFile(key)} missing`));
      continue;
    }
    const g = await recomputeGate(key, String(s.promql), raw, venues);
    gates.push(g);
    rows.push(compareGate(key, s, g.result));
  }
  rows.push(...unexpected(stored, known));
  for (const key of known) {
    if (!stored.has(key)) {
      rows.push(
        problem(`gate ${key}`, "missing", "-", `${key}: a stack gate missing from stack/stack_gates.json`),
      );
    }
  }
  const stackVerdict = gates.length > 0 && gates.every((g) => g.result.status === "PASS") ? "PASS" : "FAIL";
  rows.push(
    row(
      "stack verdict",
      String(gatesJson.verdict),
      stackVerdict,
      "stack_gates.json verdict differs from its gates",
    ),
  );
  const note = await readText(dir, "OPERATOR_NOTE.txt") ?? "";
  const said = (re: RegExp) => re.exec(note)?.[1] ?? "(absent)";
  const scan = await readText(dir, "KEY_MATERIAL_SCAN.txt") ?? "";
  const clean = /^self_test=PASS /m.test(scan) && /^findings=0$/m.test(scan);
  rows.push(
    row(
      "key scan",
      said(/^\s*key scan:\s*(CLEAN|NOT CLEAN)/m),
      clean ? "CLEAN" : "NOT CLEAN",
      "KEY_MATERIAL_SCAN.txt says otherwise",
    ),
  );
  const parts = await partVerdicts(dir, note, rows);
  const verdict = wholeVerdict(parts.activity, parts.ops, gates, clean);
  rows.push(
    row(
      "verdict",
      String(parseVerdictText(note)),
      verdict,
      "OPERATOR_NOTE.txt verdict differs from the recomputed parts",
    ),
  );
  return rows;
}

/**
 * The activity demo's and ops verify's verdicts from their own folders (named in LATEST_DIRS.txt,
 * looked up beside this one); a folder no longer there is skipped and the note's word used.
 */
async function partVerdicts(dir: string, note: string, rows: CheckRow[]) {
  const latest = await readText(dir, "LATEST_DIRS.txt") ?? "";
  const out = { activity: "", ops: "" };
  for (
    const [k, field, re] of [["activity", "activity_demo", /^\s*activity demo:\s*(\S+)/m], [
      "ops",
      "ops_verify",
      /^\s*ops verify:\s*(\S+)/m,
    ]] as const
  ) {
    const stored = re.exec(note)?.[1] ?? "(absent)";
    const named = new RegExp(`^${field}=(.+)$`, "m").exec(latest)?.[1];
    const there = named ? join(dirname(dir), basename(named)) : null;
    const summary = there ? await readJson(there, "summary.json") : null;
    if (!summary) {
      rows.push(
        skip(
          `${field} verdict`,
          stored,
          `${named ?? field} not found beside this folder; the note's word is used`,
        ),
      );
      out[k] = stored;
      continue;
    }
    out[k] = String(summary.verdict);
    rows.push(row(`${field} verdict`, stored, out[k], `${basename(there!)} says ${out[k]}`));
  }
  return out;
}

/** Keys of the raw answers stored as `stack/gate_<key>.txt`. */
async function rawGateKeys(dir: string): Promise<string[]> {
  const keys: string[] = [];
  try {
    for await (const e of Deno.readDir(`${dir}/stack`)) {
      const m = /^gate_(.+)\.txt$/.exec(e.name);
      if (m && e.isFile) keys.push(m[1]);
    }
  } catch {
    // no stack/ folder: stack_gates.json's own check reports it
  }
  return keys;
}
