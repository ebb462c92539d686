#!/usr/bin/env -S deno run -A
// ./tp evidence: check a proof folder offline, list and diff proofs, prune old ones, make a signing key.
import { basename, dirname } from "node:path";
import { checkFolder, UncheckableFolder } from "../lib/audit/check.ts";
import { diffGates, gateCell } from "../lib/audit/diff.ts";
import { parseAge, planPrune } from "../lib/audit/prune.ts";
import { loadAllowedKeys } from "../lib/audit/signature.ts";
import { renderTable } from "../lib/audit/table.ts";
import { EXIT, intFlag, parseFlags, run, UsageError } from "../lib/cli/main.ts";
import { DEFAULT_EVIDENCE_ROOT } from "../lib/evidence/folder.ts";
import {
  isKnownKind,
  listProofFolders,
  parseFolderName,
  readFolderSummary,
  readGates,
} from "../lib/evidence/kinds.ts";
import { generateKey, publicKeyLine, writeKeyPair } from "../lib/evidence/ssh_key.ts";
import { defaultSigningKeyPath, isInside } from "../lib/evidence/ssh_key_path.ts";
import { allowedSignersLine } from "../lib/evidence/sshsig.ts";

const HELP = `Usage: ./tp evidence <check|list|diff|prune|keygen> ... (each takes --help)

  check DIR [--json] [--pubkey FILE | --allowed-signers FILE]
                 re-verify a proof folder offline: manifest, signature, every gate recomputed
  list [--root R] [--json]           proof folders newest first: kind, stamp, verdict, signed, failed
  diff A B [--json]                  two folders' gate values side by side, what changed
  prune --keep N --older-than D [--root R] [--dry-run]
                                     delete old proofs (never the newest PASS of a kind)
  keygen [--path P]                  make the ed25519 evidence signing key (prints the public key)

Exit: 0 agree / ok, 1 disagreement (tampered, failed check), 2 usage, unknown kind, missing folder,
bad or existing key file.`;

const CHECK_HELP = `Usage: ./tp evidence check DIR [--json] [--pubkey FILE | --allowed-signers FILE]

Re-verifies a proof folder with no network: MANIFEST_SHA256.txt exactly as \`sha256sum -c --strict\`
checks it plus no file outside it; MANIFEST_SHA256.txt.sig (SSHSIG, namespace tickproof-evidence)
against the allowed key; attestation.intoto.json when present; and every gate recomputed from the raw
answers stored in the folder with the same functions the proof used, compared with the summary.
Prints a table (check, stored, recomputed, verdict, note).

The allowed key: --pubkey FILE (an ssh-ed25519 .pub line), --allowed-signers FILE (ssh-keygen's
ALLOWED SIGNERS format; lines limited to other namespaces are ignored), else the .pub beside the
configured signing key (TICKPROOF_SIGNING_KEY, else ~/.config/tickproof/evidence_ed25519). A signed
folder with no allowed key, or an unsigned one when a key flag was given, disagrees.

Exit: 0 everything agrees, 1 something disagrees, 2 no such folder or a folder kind it does not know.`;

const LIST_HELP = `Usage: ./tp evidence list [--root R] [--json]

Sealed proof folders under R (default ${DEFAULT_EVIDENCE_ROOT}) newest first: kind, stamp, verdict,
signed, failed gates. Staging and working folders are not proofs and are not listed.`;

const DIFF_HELP = `Usage: ./tp evidence diff A B [--json]

The gate values of two proof folders side by side (A's order, then gates only B has), with what
changed: status (PASS -> FAIL) and by how much (+2).`;

const PRUNE_HELP = `Usage: ./tp evidence prune --keep N --older-than D [--root R] [--dry-run]

Deletes proof folders under R (default ${DEFAULT_EVIDENCE_ROOT}) beyond the newest N of each kind that
are older than D (30d, 12h, 15m, 90s). Never deletes the newest PASS of a kind, a folder being
written (those live under .staging until sealed), nor the activity demo and ops verify folders a kept
local verify judged. --dry-run prints the plan only.`;

const KEYGEN_HELP = `Usage: ./tp evidence keygen [--path P]

Makes the ed25519 key proofs are signed with: P (default ~/.config/tickproof/evidence_ed25519, mode
0600) and P.pub. Prints the public key and the allowed_signers line for \`ssh-keygen -Y verify\`; never
the private key. Refuses to replace an existing key or to put one inside the evidence root.`;

async function check(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    help: CHECK_HELP,
    allowPositionals: true,
    options: { json: { type: "boolean" }, pubkey: { type: "string" }, "allowed-signers": { type: "string" } },
  });
  if (!flags) return EXIT.OK;
  if (flags.positionals.length !== 1) throw new UsageError("check takes one folder (see --help)");
  const v = flags.values;
  let allowed;
  try {
    allowed = await loadAllowedKeys({
      pubkey: v.pubkey,
      allowedSigners: v["allowed-signers"],
      env: (n) => Deno.env.get(n),
    });
  } catch (err) {
    throw new UsageError(`cannot read the allowed key: ${(err as Error).message}`);
  }
  let report;
  try {
    report = await checkFolder(flags.positionals[0], allowed);
  } catch (err) {
    if (err instanceof UncheckableFolder) throw new UsageError(err.message);
    throw err;
  }
  if (v.json) console.log(JSON.stringify(report, null, 2));
  else {
    const rows = report.rows.map((r) => [r.check, r.stored, r.recomputed, r.verdict, r.note]);
    console.log(renderTable(["CHECK", "STORED", "RECOMPUTED", "VERDICT", "NOTE"], rows).trimEnd());
    const bad = report.rows.filter((r) => r.verdict === "DISAGREE");
    console.log(
      bad.length === 0
        ? `evidence check: AGREE (${report.kind}, ${report.rows.length} checks${unsignedNote(report.rows)})`
        : `evidence check: DISAGREE (${bad.length}): ${bad.map((r) => r.note || r.check).join("; ")}`,
    );
  }
  return report.ok ? EXIT.OK : EXIT.FAIL;
}

async function list(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    help: LIST_HELP,
    options: { root: { type: "string" }, json: { type: "boolean" } },
  });
  if (!flags) return EXIT.OK;
  const root = flags.values.root ?? DEFAULT_EVIDENCE_ROOT;
  const { folders } = await listProofFolders(root);
  const all = await Promise.all(folders.map((f) => readFolderSummary(root, f)));
  if (flags.values.json) console.log(JSON.stringify(all, null, 2));
  else {
    const rows = all.map((f) => [
      f.kind,
      f.stamp + (f.seq > 1 ? `_${f.seq}` : ""),
      f.known ? f.verdict ?? "?" : "(unknown kind)",
      f.signed ? "yes" : "no",
      f.failed.join(",") || "-",
    ]);
    console.log(renderTable(["KIND", "STAMP", "VERDICT", "SIGNED", "FAILED"], rows).trimEnd());
  }
  return EXIT.OK;
}

async function gatesOf(dir: string) {
  const name = parseFolderName(basename(dir));
  if (!(await Deno.stat(dir).catch(() => null))?.isDirectory) throw new UsageError(`${dir}: no such folder`);
  if (!name || !isKnownKind(name.kind)) {
    throw new UsageError(`${dir}: unknown folder kind "${name?.kind ?? basename(dir)}"`);
  }
  return await readGates(dir, name.kind);
}

async function diff(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    help: DIFF_HELP,
    allowPositionals: true,
    options: { json: { type: "boolean" } },
  });
  if (!flags) return EXIT.OK;
  if (flags.positionals.length !== 2) throw new UsageError("diff takes two folders (see --help)");
  const [a, b] = flags.positionals;
  const changes = diffGates(await gatesOf(a), await gatesOf(b));
  if (flags.values.json) console.log(JSON.stringify({ a, b, gates: changes }, null, 2));
  else {
    const rows = changes.map((c) => [c.key, gateCell(c.a), gateCell(c.b), c.change]);
    console.log(renderTable(["GATE", basename(a), basename(b), "CHANGE"], rows).trimEnd());
  }
  return EXIT.OK;
}

async function prune(args: string[]): Promise<number> {
  const flags = parseFlags(args, {
    help: PRUNE_HELP,
    options: {
      keep: { type: "string" },
      "older-than": { type: "string" },
      root: { type: "string" },
      "dry-run": { type: "boolean" },
    },
  });
  if (!flags) return EXIT.OK;
  const v = flags.values;
  if (v.keep === undefined || v["older-than"] === undefined) {
    throw new UsageError("prune needs --keep N and --older-than D (see --help)");
  }
  const keep = intFlag("keep", v.keep, 0, 0, 100_000);
  const age = parseAge(v["older-than"]);
  if (age === null) {
    throw new UsageError(`--older-than must look like 30d, 12h, 15m or 90s, got "${v["older-than"]}"`);
  }
  const root = v.root ?? DEFAULT_EVIDENCE_ROOT;
  const { folders } = await listProofFolders(root);
  const summaries = await Promise.all(folders.map((f) => readFolderSummary(root, f)));
  const plan = planPrune(summaries, Date.now(), keep, age);
  for (const k of plan.keep) console.log(`keep    ${k.dir} (${k.why})`);
  for (const dir of plan.remove) {
    if (!v["dry-run"]) await Deno.remove(`${root}/${dir}`, { recursive: true });
    console.log(`${v["dry-run"] ? "would remove" : "removed"} ${dir}`);
  }
  return EXIT.OK;
}

async function keygen(args: string[]): Promise<number> {
  const flags = parseFlags(args, { help: KEYGEN_HELP, options: { path: { type: "string" } } });
  if (!flags) return EXIT.OK;
  const path = flags.values.path ?? defaultSigningKeyPath((n) => Deno.env.get(n));
  if (!path) throw new UsageError("no --path and neither XDG_CONFIG_HOME nor HOME is set");
  if (isInside(path, DEFAULT_EVIDENCE_ROOT)) {
    throw new UsageError(
      `${path} lies inside the evidence root ${DEFAULT_EVIDENCE_ROOT}; keep the key outside`,
    );
  }
  await Deno.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const key = generateKey("tickproof-evidence");
  await writeKeyPair(path, key);
  console.log(`private key: ${path} (0600; not printed)`);
  console.log(`public key:  ${path}.pub`);
  console.log(publicKeyLine(key.publicKey, key.comment));
  console.log("allowed_signers line (for ssh-keygen -Y verify -I tickproof):");
  console.log(allowedSignersLine("tickproof", key.publicKey));
  return EXIT.OK;
}

const SUB: Record<string, (args: string[]) => Promise<number>> = { check, list, diff, prune, keygen };
export const EVIDENCE_SUBCOMMANDS = Object.keys(SUB);

export async function main(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "-h" || sub === "--help") {
    console.log(HELP);
    return EXIT.OK;
  }
  if (!sub || !SUB[sub]) {
    throw new UsageError(`unknown subcommand "${sub ?? ""}" (check, list, diff, prune, keygen; see --help)`);
  }
  return await SUB[sub](rest);
}

if (import.meta.main) Deno.exit(await run("evidence", main));

/** An unsigned folder proves it is intact, not who made it: the verdict line says so. */
function unsignedNote(rows: readonly { check: string; stored: string }[]): string {
  const sig = rows.find((r) => r.check === "signature");
  return sig?.stored === "unsigned" ? "; unsigned: intact, but not proof of who made it" : "";
}
