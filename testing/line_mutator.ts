// Random mutations of event lines for the flat-line differential tests: inserted, deleted and replaced
// characters, truncation, repeated or odd keys, weird numbers and values, stray whitespace.

const WEIRD_NUMBERS = [
  "1e400",
  "-1e400",
  "-0",
  "-0.0",
  "0",
  "01",
  "-01",
  "1.",
  ".5",
  "-",
  "1e",
  "1e+",
  "1E-5",
  "1e+2",
  "+1",
  "0.1",
  "00",
  "1.5e",
  "123456789012345678901234567890",
  "0.1000000000000000055511151231257827",
  "9007199254740993",
  "1.7976931348623157e308",
  "1.7976931348623159e308",
  "5e-324",
  "2e-324",
  "123.456789012345",
  "123.4567890123456",
  "1e-7",
  "0.000001",
  "12.50",
  "-5",
  "1767225600000",
  "253402300799999",
  "253402300800000",
  "0x10",
  "Infinity",
  "NaN",
  "1_000",
  "0e0",
  "-0e-0",
  "1234567890123456.7",
  "0.12345678901234567",
  "9007199254740993.5",
  "98765432109876543.21",
  "-0.000000000000000000001",
];
const WEIRD_VALUES = [
  ...WEIRD_NUMBERS,
  "true",
  "false",
  "null",
  "tru",
  "nul",
  "True",
  '"x"',
  '""',
  '"\\u0041"',
  '"a\\nb"',
  '"\\""',
  '"\\\\"',
  '"\\/"',
  '"é"',
  '"😀"',
  '"\u0001"',
  '"\t"',
  "{}",
  '{"a":1}',
  "[]",
  "[1,2]",
  '"decision"',
  '"action"',
  '"heartbeat"',
  '"2026-01-01T00:00:00Z"',
  '"r1"',
  '"a b"',
  '"\ud800"',
  " 1",
  "1 ",
  "",
];
const KEYS = [
  "ts",
  "type",
  "run_id",
  "component",
  "source",
  "latency_ms",
  "symbol",
  "decision",
  "action",
  "x",
];
const ALPHABET = '{}[]",:\\ \t\r\n-+.eE0123456789tfnulrasx_\u0000\u001f\u007f\f\v\u00a0é€😀\ud800\ufeff'
  .split(""); // code units: lone surrogates too

/** 12-22 random digits, maybe with a point and a sign. */
function longDecimal(rand: () => number): string {
  const n = 12 + Math.floor(rand() * 11);
  let d = String(1 + Math.floor(rand() * 9));
  for (let i = 1; i < n; i++) d += Math.floor(rand() * 10);
  const dot = Math.floor(rand() * (n + 2));
  if (dot < n) d = dot === 0 ? "0." + d : d.slice(0, dot) + "." + d.slice(dot);
  return (rand() < 0.2 ? "-" : "") + d;
}

/** One random mutation of a line (inserts, deletes, replacements, truncation, keys, values, spaces). */
export function mutate(line: string, rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const at = Math.floor(rand() * (line.length + 1));
  switch (Math.floor(rand() * 11)) {
    case 0:
      return line.slice(0, at) + pick(ALPHABET) + line.slice(at);
    case 1:
      return line.slice(0, at) + line.slice(at + 1);
    case 2:
      return line.slice(0, at) + pick(ALPHABET) + line.slice(at + 1);
    case 3:
      return line.slice(0, at);
    case 4: // a (maybe repeated) key with a weird value, added at the front or the back
      return rand() < 0.5
        ? `{"${pick(KEYS)}":${pick(WEIRD_VALUES)},` + line.slice(1)
        : line.slice(0, -1) + `,"${pick(KEYS)}":${pick(WEIRD_VALUES)}}`;
    case 5: { // replace one existing value
      const k = pick(KEYS);
      const m = new RegExp(`"${k}":("[^"]*"|[^,}]*)`).exec(line);
      return m ? line.replace(m[0], `"${k}":${pick(WEIRD_VALUES)}`) : line;
    }
    case 6: // whitespace somewhere structural
      return line.replace(
        pick([",", ":", "{", "}"]),
        (c) => pick([" ", "\t", "\r", "\n", "\f", "\v", "\u00a0", ""]) + c + pick([" ", ""]),
      );
    case 7: // escaped or odd key
      return line.replace(
        `"${pick(KEYS)}"`,
        pick(['"typ\\u0065"', '"ts "', '"TS"', '"run_id"', '""', '"é"']),
      );
    case 8:
      return pick([" ", "\ufeff", "", "[", "\n"]) + line + pick([" ", "\r", "x", "}", ",", "\n", ""]);
    case 9: // a long decimal for a number the check reads (digit counts around 2^53)
      return line.slice(0, -1) + `,"${pick(["latency_ms", "ts"])}":${longDecimal(rand)}}`;
    default:
      return line.replace(pick(KEYS), pick(["ts", "type", "run_id", "source"]));
  }
}
