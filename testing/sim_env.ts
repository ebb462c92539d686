// The feed's environment for a simulator on `port`: the default profile's venue URLs pointed at that
// port (the profile names the contract port 8765), plus the caller's overrides.
import { parseEnvFile } from "../lib/feed/env_file.ts";

const ENV_FILE = new URL("../config/env/live.env", import.meta.url).pathname;

export function simEnv(port: number, over: Record<string, string> = {}): Record<string, string> {
  const file = parseEnvFile(Deno.readTextFileSync(ENV_FILE), ENV_FILE);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(file)) {
    if (k.endsWith("_URL")) env[k] = v.replace("127.0.0.1:8765", `127.0.0.1:${port}`);
  }
  return { ...env, ...over };
}
