// attestation.intoto.json: an in-toto Statement v1 over the folder's files (name + sha256) with the
// test-result predicate v0.1 (https://github.com/in-toto/attestation, spec/v1/statement.md and
// spec/predicates/test-result.md). `statementProblems` holds the structural rules of those specs,
// so the writer's tests and `evidence check` judge a statement the same way.
import { gateOutcomes, type GateRecord } from "./gate_record.ts";

export const ATTESTATION_NAME = "attestation.intoto.json";
export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
export const TEST_RESULT_TYPE = "https://in-toto.io/attestation/test-result/v0.1";

export interface ResourceDescriptor {
  name?: string;
  uri?: string;
  digest?: Record<string, string>;
  annotations?: Record<string, unknown>;
}

export interface TestResultStatement {
  _type: typeof STATEMENT_TYPE;
  subject: ResourceDescriptor[];
  predicateType: typeof TEST_RESULT_TYPE;
  predicate: {
    result: "PASSED" | "WARNED" | "FAILED";
    configuration: ResourceDescriptor[];
    passedTests: string[];
    warnedTests: string[];
    failedTests: string[];
  };
}

export interface StatementInput {
  /** Folder files (relative path -> sha256 hex), the attestation and manifest excluded. */
  files: ReadonlyMap<string, string>;
  gates: readonly GateRecord[];
  /** The command that ran the proof, e.g. `./tp verify --wait-s 90`. */
  command: string;
  /** Config files the proof read (relative path -> sha256 hex). */
  config: ReadonlyMap<string, string>;
}

export function testResultStatement(x: StatementInput): TestResultStatement {
  const o = gateOutcomes(x.gates);
  const result = o.failed.length > 0 || x.gates.length === 0
    ? "FAILED"
    : o.warned.length > 0
    ? "WARNED"
    : "PASSED";
  return {
    _type: STATEMENT_TYPE,
    subject: [...x.files].sort(([a], [b]) => a < b ? -1 : 1).map(([name, h]) => ({
      name,
      digest: { sha256: h },
    })),
    predicateType: TEST_RESULT_TYPE,
    predicate: {
      result,
      configuration: [
        { uri: "tickproof:command", annotations: { command: x.command } },
        ...[...x.config].sort(([a], [b]) => a < b ? -1 : 1).map(([name, h]) => ({
          name,
          digest: { sha256: h },
        })),
      ],
      passedTests: o.passed,
      warnedTests: o.warned,
      failedTests: o.failed,
    },
  };
}

const HEX: Record<string, RegExp> = {
  sha256: /^[0-9a-f]{64}$/,
  sha512: /^[0-9a-f]{128}$/,
  sha1: /^[0-9a-f]{40}$/,
};

function descriptorProblems(d: unknown, where: string): string[] {
  if (typeof d !== "object" || d === null || Array.isArray(d)) return [`${where} is not an object`];
  const r = d as Record<string, unknown>;
  const out: string[] = [];
  if (r.uri === undefined && r.digest === undefined && r.content === undefined) {
    out.push(`${where} has none of uri, digest, content`);
  }
  for (const k of ["name", "uri", "downloadLocation", "mediaType", "content"]) {
    if (r[k] !== undefined && typeof r[k] !== "string") out.push(`${where}.${k} is not a string`);
  }
  if (r.digest !== undefined) {
    if (typeof r.digest !== "object" || r.digest === null || Array.isArray(r.digest)) {
      out.push(`${where}.digest is not a map`);
    } else {
      for (const [alg, v] of Object.entries(r.digest)) {
        if (typeof v !== "string" || (HEX[alg] && !HEX[alg].test(v))) {
          out.push(`${where}.digest.${alg} is not a ${alg} hex value`);
        }
      }
    }
  }
  return out;
}

const stringList = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === "string");

/** What makes `v` not a valid in-toto Statement v1 with a test-result v0.1 predicate (empty = valid). */
export function statementProblems(v: unknown): string[] {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return ["the statement is not a JSON object"];
  const s = v as Record<string, unknown>;
  const out: string[] = [];
  if (s._type !== STATEMENT_TYPE) out.push(`_type is not ${STATEMENT_TYPE}`);
  if (s.predicateType !== TEST_RESULT_TYPE) out.push(`predicateType is not ${TEST_RESULT_TYPE}`);
  if (!Array.isArray(s.subject) || s.subject.length === 0) out.push("subject is not a non-empty list");
  else {
    s.subject.forEach((d, i) => out.push(...descriptorProblems(d, `subject[${i}]`)));
    s.subject.forEach((d, i) => {
      if (typeof d === "object" && d !== null && (d as ResourceDescriptor).digest === undefined) {
        out.push(`subject[${i}] has no digest`);
      }
    });
  }
  const p = s.predicate as Record<string, unknown> | undefined;
  if (typeof p !== "object" || p === null || Array.isArray(p)) return [...out, "predicate is not an object"];
  if (!["PASSED", "WARNED", "FAILED"].includes(p.result as string)) {
    out.push("predicate.result is not PASSED, WARNED or FAILED");
  }
  if (!Array.isArray(p.configuration)) out.push("predicate.configuration is not a list");
  else p.configuration.forEach((d, i) => out.push(...descriptorProblems(d, `predicate.configuration[${i}]`)));
  if (p.url !== undefined && typeof p.url !== "string") out.push("predicate.url is not a string");
  for (const k of ["passedTests", "warnedTests", "failedTests"]) {
    if (p[k] !== undefined && !stringList(p[k])) out.push(`predicate.${k} is not a list of strings`);
  }
  return out;
}
