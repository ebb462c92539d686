// The CLI habits every script shares: flags via node:util parseArgs, --help, exit codes, signals.
import { parseArgs, type ParseArgsConfig } from "node:util";

/** Exit codes: 0 ok, 1 verdict or run failure, 2 usage or environment error. */
export const EXIT = { OK: 0, FAIL: 1, USAGE: 2 } as const;

/** Bad flags, bad config or a missing tool: the script prints one line and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface FlagSpec<O extends Options> {
  /** Full help text printed by --help (usage line first). */
  help: string;
  options: O;
  allowPositionals?: boolean;
}

/**
 * Parses flags. Returns null when --help was asked for (help already printed);
 * throws UsageError with one clear line for unknown or malformed flags.
 */
export interface ParsedFlags<O extends Options> {
  values: ReturnType<typeof parseArgs<{ options: O; strict: true }>>["values"];
  positionals: string[];
}

export function parseFlags<const O extends Options>(
  args: string[],
  spec: FlagSpec<O>,
): ParsedFlags<O> | null {
  const options = { ...spec.options, help: { type: "boolean", short: "h" } } as const;
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options,
      allowPositionals: spec.allowPositionals ?? false,
      strict: true,
    });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new UsageError(`${msg.split("\n")[0]} (see --help)`);
  }
  if ((parsed.values as Record<string, unknown>).help) {
    console.log(spec.help.trimEnd());
    return null;
  }
  return parsed as unknown as ParsedFlags<O>;
}

/** Parses a flag value as a whole number in [min, max]; one-line UsageError otherwise. */
export function intFlag(
  name: string,
  raw: string | undefined,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

/**
 * Runs a script's main and maps errors to exit codes: UsageError -> 2 with its one line,
 * anything else -> 1 with its message. Only this function (via the caller) exits.
 */
export async function run(name: string, main: (args: string[]) => Promise<number>): Promise<number> {
  try {
    return await main(Deno.args);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${name}: ${err.message}`);
      return EXIT.USAGE;
    }
    console.error(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    if (Deno.env.get("TICKPROOF_DEBUG")) console.error(err);
    return EXIT.FAIL;
  }
}

/**
 * An AbortSignal that fires on the first SIGINT or SIGTERM, so long-running work can stop
 * cleanly (flush, close, exit 0). A second signal is left to the default handler's job: exit now.
 */
export function shutdownSignal(): AbortSignal {
  const ctrl = new AbortController();
  const sigs: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  const onSig = () => {
    if (ctrl.signal.aborted) Deno.exit(130);
    ctrl.abort(new Error("signal"));
  };
  for (const s of sigs) Deno.addSignalListener(s, onSig);
  return ctrl.signal;
}

/** Resolves when the signal aborts. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}
