// What every proof folder carries for readers outside tickproof, written just before the manifest:
// gates.junit.xml (CI test reporters), CHECK.txt (how to check it with stock tools) and
// attestation.intoto.json (an in-toto test-result statement over every file written so far).
import { join } from "node:path";
import { CHECK_TXT, renderCheckTxt } from "./check_txt.ts";
import type { GateRecord } from "./gate_record.ts";
import { ATTESTATION_NAME, testResultStatement } from "./intoto.ts";
import { JUNIT_NAME, renderJunit } from "./junit.ts";
import { isKnownKind } from "./kinds.ts";
import { listFiles } from "./manifest.ts";
import { sha256File } from "./sha256.ts";

export interface SealExtrasInput {
  /** Folder kind, e.g. `oncall`. */
  kind: string;
  gates: readonly GateRecord[];
  startedMs: number;
  endedMs: number;
  signed: boolean;
  /** The command as run, e.g. `./tp verify --wait-s 90` (already redacted). */
  command: string;
  /** Config files the proof read, digested into the attestation; a missing file is left out. */
  configFiles: readonly string[];
}

type Write = (rel: string, data: string) => Promise<void>;

export async function writeSealExtras(staging: string, write: Write, x: SealExtrasInput): Promise<void> {
  await write(
    JUNIT_NAME,
    renderJunit({
      name: x.kind,
      timestamp: new Date(x.startedMs).toISOString(),
      seconds: (x.endedMs - x.startedMs) / 1000,
      gates: x.gates,
    }),
  );
  if (isKnownKind(x.kind)) {
    await write(
      CHECK_TXT,
      renderCheckTxt(x.kind, x.gates.map((g) => g.key), x.signed),
    );
  }
  const files = new Map<string, string>();
  for (const rel of await listFiles(staging)) {
    files.set(rel, (await sha256File(join(staging, rel))).sha256);
  }
  const config = new Map<string, string>();
  for (const f of x.configFiles) {
    const got = await sha256File(f).catch(() => null);
    if (got) config.set(f, got.sha256);
  }
  const statement = testResultStatement({ files, gates: x.gates, command: x.command, config });
  await write(ATTESTATION_NAME, JSON.stringify(statement, null, 2) + "\n");
}
