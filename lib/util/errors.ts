// What went wrong, as types: lib code throws these and says what happened; only the CLI runner
// (run() in lib/cli/main.ts) decides what each means as an exit code.

/** A bad setting the operator must fix: a config file, an env value, a flag value. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** The machine is not ready for the run: something outside the program must change first. */
export class EnvironmentError extends Error {
  override name = "EnvironmentError";
}

/** A port the program must bind is held by something else. */
export class PortBusyError extends EnvironmentError {
  override name = "PortBusyError";
}

/** A binary the program runs (prometheus, promtool, alertmanager) is not on PATH. */
export class ToolMissingError extends EnvironmentError {
  override name = "ToolMissingError";
}

/**
 * Data on disk (the store, the loop's state dir, a backup) carries a schema version newer than this
 * binary reads: it must not start on it. Its own exit code, so a deploy script tells it from the rest.
 */
export class SchemaTooNewError extends EnvironmentError {
  override name = "SchemaTooNewError";
}
