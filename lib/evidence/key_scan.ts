// Scans evidence for key material: private keys, exchange API keys/secrets, JWTs, cloud keys.
// Rules combine a keyword context with the value's shape (not entropy alone), so metric dumps
// and hashes do not trip it, while a real `api_secret = ...` does.
import { join, relative } from "node:path";

export interface Rule {
  readonly kind: string;
  readonly re: RegExp;
}

const VALUE = String.raw`["']?([A-Za-z0-9+/=_\-]{16,})`;

export const RULES: readonly Rule[] = [
  {
    kind: "private_key_pem",
    re: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----/,
  },
  { kind: "jwt", re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
  { kind: "aws_access_key_id", re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  {
    kind: "aws_secret_access_key",
    re: /aws.{0,20}secret.{0,20}[:=]\s*["']?[A-Za-z0-9/+]{40}\b/i,
  },
  { kind: "google_api_key", re: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { kind: "github_token", re: /\bgh[pousr]_[A-Za-z0-9]{36}\b/ },
  { kind: "slack_token", re: /\bxox[baprs]-[A-Za-z0-9-]{10,}/ },
  {
    // Exchange credentials: a key/secret/passphrase keyword (optionally venue-prefixed), an
    // assignment, and a credential-shaped value.
    kind: "exchange_api_credential",
    re: new RegExp(
      String
        .raw`(?:binance|bybit|okx|kraken|exchange)?[_\-. ]?(?:api[_\-]?key|api[_\-]?secret|secret[_\-]?key|apikey|passphrase|x-mbx-apikey)["']?\s*[:=]\s*` +
        VALUE,
      "i",
    ),
  },
];

/** Values that are clearly placeholders, not credentials. */
const PLACEHOLDER_RE = /^(?:<redacted>|x+|changeme|your[_-].*|example.*|\*+)$/i;

export interface Finding {
  file: string;
  line: number;
  kind: string;
  /** Never the secret itself: a prefix and the length. */
  hint: string;
}

export function scanText(text: string, file: string): Finding[] {
  const findings: Finding[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    for (const rule of RULES) {
      const m = rule.re.exec(line);
      if (!m) continue;
      const secret = m[1] ?? m[0];
      if (PLACEHOLDER_RE.test(secret)) continue;
      findings.push({
        file,
        line: i + 1,
        kind: rule.kind,
        hint: `${secret.slice(0, 4)}… (${secret.length} chars)`,
      });
    }
  }
  return findings;
}

export interface ScanResult {
  filesScanned: number;
  bytesScanned: number;
  findings: Finding[];
}

const MAX_FILE_BYTES = 32 * 1024 * 1024;

/** Scans every regular file under the given folders (paths reported relative to `base`). */
export async function scanDirs(dirs: string[], base: string): Promise<ScanResult> {
  const result: ScanResult = { filesScanned: 0, bytesScanned: 0, findings: [] };
  const dec = new TextDecoder("utf-8", { fatal: false });
  async function walk(d: string) {
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      if (e.isDirectory) await walk(p);
      else if (e.isFile) {
        const data = await Deno.readFile(p);
        result.filesScanned++;
        result.bytesScanned += data.length;
        if (data.length > MAX_FILE_BYTES) {
          result.findings.push({
            file: relative(base, p),
            line: 0,
            kind: "too_large_to_scan",
            hint: `${data.length} bytes`,
          });
          continue;
        }
        result.findings.push(...scanText(dec.decode(data), relative(base, p)));
      }
    }
  }
  for (const d of dirs) await walk(d);
  return result;
}

/**
 * Fake keys of every kind, built at run time so the repository never holds key-shaped strings.
 * A scan whose self-test does not find all of them is not trusted.
 */
export function plantedFakeKeys(): { kind: string; text: string }[] {
  const rep = (s: string, n: number) => s.repeat(n);
  return [
    {
      kind: "private_key_pem",
      text: ["-----BEGIN", "RSA PRIVATE KEY-----\nMIIEfake\n-----END RSA PRIVATE KEY-----"].join(" "),
    },
    { kind: "jwt", text: `token: ${"eyJ"}hbGciOiJIUzI1NiJ9.${"eyJ"}zdWIiOiJmYWtlIn0.${rep("sig", 6)}` },
    { kind: "aws_access_key_id", text: `id=${"AKIA"}${rep("FAKE", 4)}` },
    { kind: "aws_secret_access_key", text: `aws_secret_access_key = ${rep("Fake/Key+", 5).slice(0, 40)}` },
    { kind: "google_api_key", text: `key: ${"AIza"}${rep("FakeFake0_", 4).slice(0, 35)}` },
    { kind: "github_token", text: `${"ghp_"}${rep("fAkE", 9)}` },
    { kind: "slack_token", text: `${"xoxb"}-0000-fake-fake-token` },
    { kind: "exchange_api_credential", text: `BINANCE_API_SECRET=${rep("a1B2c3D4", 8)}` },
  ];
}

export interface SelfTest {
  ok: boolean;
  found: number;
  planted: number;
  falsePositives: number;
  missed: string[];
}

export function selfTest(): SelfTest {
  const planted = plantedFakeKeys();
  const missed = planted.filter((p) => !scanText(p.text, "selftest").some((f) => f.kind === p.kind)).map((
    p,
  ) => p.kind);
  const clean = [
    'up{job="ai_live"} 1',
    "sha256 3f786850e387550fdab836ed7e6dc881de23001b  run.json",
    "api_key=<redacted>",
    'peaktrade_ai_decisions_total{run_id="demo",component="x"} 42',
  ].join("\n");
  const falsePositives = scanText(clean, "clean").length;
  return {
    ok: missed.length === 0 && falsePositives === 0,
    found: planted.length - missed.length,
    planted: planted.length,
    falsePositives,
    missed,
  };
}

/** The KEY_MATERIAL_SCAN.txt report; verdict CLEAN only when the self-test passed and nothing was found. */
export function renderScanReport(
  dirs: string[],
  result: ScanResult,
  st: SelfTest,
): { text: string; clean: boolean } {
  const clean = st.ok && result.findings.length === 0;
  const lines = [
    "# key material scan: private keys, exchange API keys/secrets, JWTs, cloud keys (keyword context + shape)",
    `scanned_dirs=${dirs.join(",")}`,
    `files_scanned=${result.filesScanned}`,
    `bytes_scanned=${result.bytesScanned}`,
    `self_test=${
      st.ok ? "PASS" : "FAIL"
    } (${st.found}/${st.planted} planted fake keys found, ${st.falsePositives} false positives on a clean sample${
      st.missed.length ? `; missed: ${st.missed.join(",")}` : ""
    })`,
    `findings=${result.findings.length}`,
    ...result.findings.map((f) => `finding file=${f.file} line=${f.line} kind=${f.kind} hint=${f.hint}`),
    `verdict=${clean ? "CLEAN" : st.ok ? "FOUND" : "SELF_TEST_FAILED"}`,
  ];
  return { text: lines.join("\n") + "\n", clean };
}
