// attestation.intoto.json, when a folder has one: a valid in-toto Statement (the writer's own rules,
// statementProblems) whose every subject names a file of the folder with that file's SHA-256.
import { join } from "node:path";
import { ATTESTATION_NAME, statementProblems } from "../evidence/intoto.ts";
import { sha256File } from "../evidence/sha256.ts";
import { type CheckRow, problem, readText, row } from "./rows.ts";

export async function checkAttestation(dir: string): Promise<CheckRow[]> {
  const text = await readText(dir, ATTESTATION_NAME);
  if (text === null) return [];
  let statement: unknown;
  try {
    statement = JSON.parse(text);
  } catch {
    return [problem("attestation", ATTESTATION_NAME, "not JSON", `${ATTESTATION_NAME} is not JSON`)];
  }
  const rows = statementProblems(statement).map((p) =>
    problem("attestation", "in-toto Statement v1", "invalid", `${ATTESTATION_NAME}: ${p}`)
  );
  const subjects = (statement as { subject?: unknown }).subject;
  let n = 0;
  for (const s of Array.isArray(subjects) ? subjects : []) {
    const name = typeof s?.name === "string" ? s.name : null;
    const want = typeof s?.digest?.sha256 === "string" ? s.digest.sha256 : null;
    if (!name || !want || name.split("/").includes("..")) continue;
    n++;
    let got: string;
    try {
      got = (await sha256File(join(dir, name))).sha256;
    } catch {
      rows.push(
        problem(`attestation: ${name}`, "subject", "missing", `${name}: an attested subject is missing`),
      );
      continue;
    }
    if (got !== want) {
      rows.push(
        problem(`attestation: ${name}`, "subject digest", "differs", `${name}: attested digest differs`),
      );
    }
  }
  if (rows.length === 0) rows.push(row("attestation", `${n} subjects`, `${n} subjects`));
  return rows;
}
