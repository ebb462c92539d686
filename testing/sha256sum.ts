// Checks an evidence folder the way a third party would: coreutils `sha256sum -c --strict`.

export async function sha256sumCheck(dir: string): Promise<{ code: number; out: string }> {
  const r = await new Deno.Command("sha256sum", {
    args: ["-c", "--strict", "MANIFEST_SHA256.txt"],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
}
