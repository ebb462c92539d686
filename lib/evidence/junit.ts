// gates.junit.xml: one testcase per gate, the format Jenkins, GitLab and GitHub test reporters
// read (validated against the Jenkins xUnit plugin's junit-10.xsd in the test). A failed gate is a
// <failure>; a gate that could not be judged (NO_DATA, ERROR) is an <error>, so a report tells a
// broken stack from a bad value.
import type { GateRecord } from "./gate_record.ts";

export const JUNIT_NAME = "gates.junit.xml";

export interface JunitSuite {
  /** The proof's kind, e.g. `ai_live_local_verify`: the suite name. */
  name: string;
  /** ISO 8601 start time. */
  timestamp: string;
  /** Wall seconds the proof took. */
  seconds: number;
  gates: readonly GateRecord[];
}

const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" };

/** XML-escapes text and drops the control characters XML 1.0 cannot carry. */
export function xmlEscape(s: string): string {
  // deno-lint-ignore no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "").replace(/[&<>"']/g, (c) => ESC[c]);
}

function observed(g: GateRecord): string {
  const v = g.value === null ? "none" : String(g.value);
  return `${g.status}: observed ${v}, want ${g.want}${g.detail ? ` (${g.detail})` : ""}; source: ${g.promql}`;
}

export function renderJunit(s: JunitSuite): string {
  const failures = s.gates.filter((g) => g.status === "FAIL").length;
  const errors = s.gates.filter((g) => g.status === "NO_DATA" || g.status === "ERROR").length;
  const time = Math.max(0, s.seconds).toFixed(3);
  const head = `tests="${s.gates.length}" failures="${failures}" errors="${errors}" time="${time}"`;
  const cases = s.gates.map((g) => {
    const open = `    <testcase name="${xmlEscape(g.key)}" classname="${xmlEscape(s.name)}" time="0">`;
    const msg = xmlEscape(observed(g));
    const body = g.status === "PASS" || g.status === "WARN"
      ? `      <system-out>${msg}</system-out>`
      : g.status === "FAIL"
      ? `      <failure type="gate" message="${msg}">${msg}</failure>`
      : `      <error type="${g.status}" message="${msg}">${msg}</error>`;
    return `${open}\n${body}\n    </testcase>`;
  });
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="tickproof" ${head}>`,
    `  <testsuite name="${xmlEscape(s.name)}" ${head} skipped="0" timestamp="${xmlEscape(s.timestamp)}">`,
    ...cases,
    `  </testsuite>`,
    `</testsuites>`,
    ``,
  ].join("\n");
}
