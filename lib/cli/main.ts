// The CLI habits every script shares: flags via node:util parseArgs, --help, exit codes, signals.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { ConfigError, EnvironmentError, SchemaTooNewError } from "../util/errors.ts";

/**
 * Exit codes: 0 ok, 1 verdict or run failure, 2 usage or environment error, 3 the data on disk is at a
 * newer schema version than this release reads (a rollback that skipped its down-migration).
 */
export const EXIT = { OK: 0, FAIL: 1, USAGE: 2, SCHEMA: 3 } as const;

/** Bad flags or flag values: a ConfigError raised by a script itself; prints one line, exits 2. */
export class UsageError extends ConfigError {
  override name = "UsageError";
}

/**
 * The exit code for an error that ended main: bad flags, config or env values (ConfigError) and a
 * machine not ready for the run (EnvironmentError: a busy port, a missing tool) are 2, so an operator
 * knows to fix the setup rather than read a verdict; data newer than this release (SchemaTooNewError)
 * is 3; anything else is 1.
 */
export function exitCodeFor(err: unknown): number {
  if (err instanceof SchemaTooNewError) return EXIT.SCHEMA;
  return err instanceof ConfigError || err instanceof EnvironmentError ? EXIT.USAGE : EXIT.FAIL;
}

/** A proof's verdict as the exit code: PASS 0, FAIL 1. */
export function verdictExit(verdict: "PASS" | "FAIL"): number {
  return verdict === "PASS" ? EXIT.OK : EXIT.FAIL;
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

/** A number flag (fractions allowed) from `min` to `max`; undefined when not given. */
export function numFlag(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

/** The script name run() was given, for lines printed outside main (the stop deadline). */
let cliName = "tickproof";

/**
 * Runs a script's main and maps errors to exit codes (exitCodeFor): config and environment errors
 * -> 2 with their one line, anything else -> 1 with its message. Only this function (via the caller)
 * exits.
 */
export async function run(name: string, main: (args: string[]) => Promise<number>): Promise<number> {
  cliName = name;
  try {
    return await main(Deno.args);
  } catch (err) {
    const code = exitCodeFor(err);
    console.error(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    if (code === EXIT.FAIL && Deno.env.get("TICKPROOF_DEBUG")) console.error(err);
    return code;
  }
}

/** How long a clean stop may take after the first SIGINT/SIGTERM before the process gives up. */
export const STOP_DEADLINE_MS = 60_000;

/**
 * An AbortSignal that fires on the first SIGINT or SIGTERM, so long-running work can stop
 * cleanly (flush, close, exit 0). Later signals are the same request, never a kill: a terminal's
 * Ctrl-C reaches every process in the foreground group and `deno task` forwards the one it gets to
 * its child too, so one key press arrives twice. A stop still running after deadlineMs prints one
 * line and exits 1 (no clean stop); SIGKILL remains the way to end it at once.
 */
export function shutdownSignal(deadlineMs = STOP_DEADLINE_MS): AbortSignal {
  const ctrl = new AbortController();
  const onSig = (sig: Deno.Signal) => {
    if (ctrl.signal.aborted) return;
    ctrl.abort(new Error(sig));
    const timer = setTimeout(() => {
      console.error(
        `${cliName}: did not stop within ${deadlineMs / 1000}s of ${sig}; exiting without a clean stop`,
      );
      Deno.exit(EXIT.FAIL);
    }, deadlineMs);
    Deno.unrefTimer(timer);
  };
  for (const s of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(s, () => onSig(s));
  return ctrl.signal;
}

/** Resolves when the signal aborts. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}
