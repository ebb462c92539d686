// The manifest's signature (`MANIFEST_SHA256.txt.sig`, SSHSIG, namespace tickproof-evidence) checked
// against an allowed public key: `--pubkey FILE` (a `.pub` line), `--allowed-signers FILE` (the
// ssh-keygen ALLOWED SIGNERS format), else the `.pub` beside the configured signing key.
import { SIGNATURE_NAME } from "../evidence/kinds.ts";
import { MANIFEST_NAME } from "../evidence/manifest.ts";
import { parsePublicKeyLine } from "../evidence/ssh_key.ts";
import { type EnvGet, signingKeyChoice } from "../evidence/ssh_key_path.ts";
import { EVIDENCE_NAMESPACE, verifySshsig } from "../evidence/sshsig.ts";
import { type CheckRow, problem, readText, skip } from "./rows.ts";

export interface AllowedKeys {
  /** Where the keys came from, for the table: `--pubkey k.pub`, `default ~/.config/...pub`. */
  readonly source: string;
  readonly keys: readonly Uint8Array[];
  /** Named on the command line: an unsigned folder then disagrees instead of being skipped. */
  readonly explicit: boolean;
}

/**
 * The ed25519 keys of an allowed_signers text whose `namespaces=` option (if any) admits the
 * evidence namespace. Lines: `principals [options] ssh-ed25519 AAAA... [comment]`.
 */
export function parseAllowedSigners(text: string, namespace = EVIDENCE_NAMESPACE): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const line of text.split("\n").map((l) => l.trim())) {
    if (!line || line.startsWith("#")) continue;
    const at = line.indexOf(" ssh-ed25519 ");
    if (at < 0) continue;
    const ns = /(?:^|[\s,])namespaces="([^"]*)"/.exec(line.slice(0, at));
    if (ns && !ns[1].split(",").includes(namespace)) continue;
    try {
      out.push(parsePublicKeyLine(line.slice(at + 1)));
    } catch {
      // a malformed line allows nobody
    }
  }
  return out;
}

export interface KeyFlags {
  pubkey?: string;
  allowedSigners?: string;
  env: EnvGet;
}

/** The allowed keys from the flags, else the default `.pub`; null when there are none to use. */
export async function loadAllowedKeys(flags: KeyFlags): Promise<AllowedKeys | null> {
  if (flags.pubkey) {
    const text = await Deno.readTextFile(flags.pubkey);
    return { source: `--pubkey ${flags.pubkey}`, keys: [parsePublicKeyLine(text)], explicit: true };
  }
  if (flags.allowedSigners) {
    const keys = parseAllowedSigners(await Deno.readTextFile(flags.allowedSigners));
    return { source: `--allowed-signers ${flags.allowedSigners}`, keys, explicit: true };
  }
  const choice = signingKeyChoice(flags.env);
  if (!choice) return null;
  const text = await readText("", `${choice.path}.pub`);
  if (text === null) return null;
  return { source: `${choice.path}.pub`, keys: [parsePublicKeyLine(text)], explicit: false };
}

export async function checkSignature(dir: string, allowed: AllowedKeys | null): Promise<CheckRow[]> {
  const sig = await readText(dir, SIGNATURE_NAME);
  if (sig === null) {
    return allowed?.explicit
      ? [problem("signature", "unsigned", "-", `no ${SIGNATURE_NAME}, but ${allowed.source} was given`)]
      : [skip("signature", "unsigned", `no ${SIGNATURE_NAME}`)];
  }
  if (!allowed || allowed.keys.length === 0) {
    return [problem(
      "signature",
      "signed",
      "no allowed key",
      `${SIGNATURE_NAME} present but no allowed key: pass --pubkey FILE or --allowed-signers FILE`,
    )];
  }
  let manifest: Uint8Array;
  try {
    manifest = await Deno.readFile(`${dir}/${MANIFEST_NAME}`);
  } catch {
    return [problem("signature", "signed", "-", `${MANIFEST_NAME} missing: nothing was signed`)];
  }
  const reasons: string[] = [];
  for (const key of allowed.keys) {
    const r = verifySshsig(manifest, sig, key);
    if (r.ok) {
      return [{ check: "signature", stored: "signed", recomputed: "valid", verdict: "AGREE", note: "" }];
    }
    reasons.push(r.reason);
  }
  return [
    problem("signature", "signed", "invalid", `${SIGNATURE_NAME}: ${[...new Set(reasons)].join("; ")}`),
  ];
}
