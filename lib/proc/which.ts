// Where an executable is on PATH: the one lookup behind every "is the system's tool installed" check
// (Prometheus's tools, nats-server). Callers say what to do when it is missing.

/** The first executable file named `name` in a PATH directory, or null. */
export async function which(name: string, path = Deno.env.get("PATH") ?? ""): Promise<string | null> {
  for (const dir of path.split(":")) {
    if (!dir) continue;
    const p = `${dir}/${name}`;
    try {
      const st = await Deno.stat(p);
      if (st.isFile && st.mode !== null && (st.mode & 0o111) !== 0) return p;
    } catch { /* not here */ }
  }
  return null;
}
