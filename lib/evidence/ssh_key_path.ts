// Which signing key a proof uses: TICKPROOF_SIGNING_KEY when set, else the one `./tp evidence keygen`
// writes by default (outside the repo, so never inside an evidence folder nor committed).
import { isAbsolute, join, relative, resolve } from "node:path";
import { type Ed25519Key, readPrivateKeyFile, SshKeyError } from "./ssh_key.ts";

export const SIGNING_KEY_ENV = "TICKPROOF_SIGNING_KEY";

export type EnvGet = (name: string) => string | undefined;

export interface SigningKeyChoice {
  readonly path: string;
  /** "env": configured, so it must load; "default": used only when the file exists. */
  readonly from: "env" | "default";
}

/** `$XDG_CONFIG_HOME/tickproof/evidence_ed25519`, else under `$HOME/.config`; null with neither set. */
export function defaultSigningKeyPath(env: EnvGet): string | null {
  const base = env("XDG_CONFIG_HOME") || (env("HOME") ? join(env("HOME")!, ".config") : "");
  return base ? join(base, "tickproof", "evidence_ed25519") : null;
}

export function signingKeyChoice(env: EnvGet): SigningKeyChoice | null {
  const configured = env(SIGNING_KEY_ENV);
  if (configured) {
    // A CI secret pasted as the key itself instead of a path: refuse without ever echoing it.
    if (/[\r\n]|-----BEGIN/.test(configured) || configured.length > 4096) {
      throw new SshKeyError(
        "malformed",
        `${SIGNING_KEY_ENV} must be the path of a key file, not the key itself (its value is not shown)`,
      );
    }
    return { path: configured, from: "env" };
  }
  const path = defaultSigningKeyPath(env);
  return path ? { path, from: "default" } : null;
}

/** True when `path` is `dir` or lies under it (both resolved from the working directory). */
export function isInside(path: string, dir: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * The key a proof signs with, or null (unsigned: the summary says signed=no) when none is
 * configured and the default file does not exist. A configured key that cannot be used, or any
 * key inside the evidence root, is an SshKeyError: a proof must not silently go unsigned.
 */
export async function loadSigningKey(env: EnvGet, evidenceRoot: string): Promise<Ed25519Key | null> {
  const choice = signingKeyChoice(env);
  if (!choice) return null;
  // Symlinks resolved where they exist, so a link from outside into the evidence root is caught too.
  const real = (p: string) => Deno.realPath(p).catch(() => p);
  if (isInside(choice.path, evidenceRoot) || isInside(await real(choice.path), await real(evidenceRoot))) {
    throw new SshKeyError(
      "misplaced",
      `${choice.path}: the signing key lies inside the evidence root ${evidenceRoot}; keep it outside`,
    );
  }
  if (choice.from === "default") {
    const present = await Deno.lstat(choice.path).then(() => true, () => false);
    if (!present) return null;
  }
  return await readPrivateKeyFile(choice.path);
}
