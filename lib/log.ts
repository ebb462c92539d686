// JSON-lines logging to stderr; stdout stays free for a script's real output.
export type Level = "debug" | "info" | "warn" | "error";

export interface Logger {
  (level: Level, msg: string, fields?: Record<string, unknown>): void;
}

/** A logger for one component; `quiet` keeps only warnings and errors. */
export function jsonLogger(
  component: string,
  opts: { quiet?: boolean; write?: (line: string) => void } = {},
): Logger {
  const write = opts.write ?? ((line: string) => console.error(line));
  return (level, msg, fields) => {
    if (opts.quiet && (level === "debug" || level === "info")) return;
    write(JSON.stringify({ ts: new Date().toISOString(), level, component, msg, ...fields }));
  };
}
