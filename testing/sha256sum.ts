// Checks an evidence folder the way a third party would: coreutils `sha256sum -c --strict`.
import { outputWithin } from "./bounded_output.ts";

export async function sha256sumCheck(dir: string): Promise<{ code: number; out: string }> {
  const r = await outputWithin("sha256sum", {
    args: ["-c", "--strict", "MANIFEST_SHA256.txt"],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  });
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
}
