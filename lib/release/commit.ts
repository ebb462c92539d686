// Which code this is: the checkout's commit (git rev-parse HEAD) and its name (git describe: the
// nearest tag, or the short hash in a clone without tags; -dirty with local changes). Outside a git
// checkout (an image built without .git) the build may have passed TICKPROOF_COMMIT; otherwise it is
// "unknown", said plainly, never guessed.
import { toolVersion } from "../evidence/run_info.ts";

export const UNKNOWN = "unknown";
export const COMMIT_ENV = "TICKPROOF_COMMIT";

export interface ReleaseCommit {
  /** 40 hex digits, or "unknown". */
  readonly commit: string;
  /** git describe --tags --always --dirty, the commit as given at build time, or "unknown". */
  readonly describe: string;
  readonly source: "git" | "env" | "none";
}

/** The commit of the checkout at `dir`; outside one, `fromEnv` (TICKPROOF_COMMIT) when it is a commit. */
export async function releaseCommit(dir: string, fromEnv: string | undefined): Promise<ReleaseCommit> {
  const head = await toolVersion("git", ["rev-parse", "HEAD"], dir);
  if (/^[0-9a-f]{40}$/.test(head)) {
    const d = await toolVersion("git", ["describe", "--tags", "--always", "--dirty", "--abbrev=12"], dir);
    return { commit: head, describe: /^[\w./-]+$/.test(d) ? d : head.slice(0, 12), source: "git" };
  }
  const env = fromEnv?.trim() ?? "";
  if (/^[0-9a-f]{7,40}$/.test(env)) return { commit: env, describe: env.slice(0, 12), source: "env" };
  return { commit: UNKNOWN, describe: UNKNOWN, source: "none" };
}
