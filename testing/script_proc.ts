// Test support: the project's scripts (or any `deno` command) as child processes, the one way tests
// run them. runDeno/runScript run to completion with a deadline; startDeno/startScript keep a child
// running, collect both streams, wait for a line with a deadline and stop it with SIGTERM. A child
// that hangs is killed and the test fails naming what it waited for, instead of the suite hanging.
// (Stack components whose output goes to a log file are testing/net.ts spawnScript.)
import { withDeadline } from "../lib/async/poll.ts";
import { CHILD_DEADLINE_MS, outputWithin } from "./bounded_output.ts";

export interface ProcOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Written to stdin, then closed. */
  input?: string;
  /** Kill the child (and fail) when it has not exited by then. */
  timeoutMs?: number;
}

export interface Finished {
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
}

const dec = new TextDecoder();

/** `deno <args>` to completion: exit code and both streams as text. */
export async function runDeno(args: string[], opts: ProcOptions = {}): Promise<Finished> {
  const out = await outputWithin(
    Deno.execPath(),
    { args, env: opts.env, cwd: opts.cwd },
    opts.timeoutMs ?? CHILD_DEADLINE_MS,
    opts.input,
  );
  return {
    code: out.code,
    signal: out.signal,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
}

/** `deno run -A <script> ...args` to completion (default deadline 10 min: some scripts are whole proofs). */
export function runScript(script: string, args: string[], opts: ProcOptions = {}): Promise<Finished> {
  return runDeno(["run", "-A", script, ...args], { timeoutMs: 600_000, ...opts });
}

/** A stream's text; "output" is stdout then stderr, for children that say one thing on either. */
export type Stream = "stdout" | "stderr" | "output";

/** A running child whose output is collected as it arrives. */
export interface ScriptProc {
  readonly pid: number;
  /** The exit, once all output is read. No deadline: prefer stop/finished, or wrap it in one. */
  readonly status: Promise<Deno.CommandStatus>;
  /** Everything the child wrote to the stream so far. */
  text(stream: Stream): string;
  /**
   * Waits until the stream's text matches `re` (returns the match) or `test` returns a value; throws
   * at the deadline or when the child exits first, naming `what` and the output so far.
   */
  waitFor<T = RegExpMatchArray>(
    stream: Stream,
    what: string,
    match: RegExp | ((text: string) => T | undefined),
    timeoutMs?: number,
  ): Promise<T>;
  /** Sends a signal and returns at once (a child that already exited is left alone). */
  kill(signal: Deno.Signal): void;
  /** Sends `signal` (default SIGTERM), waits for the exit and all output; SIGKILL at the deadline. */
  stop(signal?: Deno.Signal, timeoutMs?: number): Promise<Finished>;
  /** Waits for the child to exit on its own, with all its output; SIGKILL at the deadline. */
  finished(timeoutMs?: number): Promise<Finished>;
  /** For `finally`: SIGKILL when still running, then wait. Never throws. */
  close(): Promise<void>;
}

/** Starts `deno <args>`, stdin closed (or fed `input`), both streams collected. */
export function startDeno(args: string[], opts: ProcOptions = {}): ScriptProc {
  return startProc(Deno.execPath(), args, opts);
}

/** Starts `cmd <args>` the same way (e.g. `setsid ./tp <task>`); prefer startDeno/startScript. */
export function startProc(cmd: string, args: string[], opts: ProcOptions = {}): ScriptProc {
  const child = new Deno.Command(cmd, {
    args,
    env: opts.env,
    cwd: opts.cwd,
    stdin: opts.input === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (opts.input !== undefined) {
    const w = child.stdin.getWriter();
    void w.write(new TextEncoder().encode(opts.input)).then(() => w.close()).catch(() => {});
  }
  const texts = { stdout: "", stderr: "" };
  const text = (stream: Stream) => stream === "output" ? texts.stdout + texts.stderr : texts[stream];
  let wake = () => {};
  let changed = new Promise<void>((r) => wake = r);
  const notify = () => {
    wake();
    changed = new Promise<void>((r) => wake = r);
  };
  const pump = async (stream: "stdout" | "stderr", s: ReadableStream<Uint8Array>) => {
    for await (const chunk of s.pipeThrough(new TextDecoderStream())) {
      texts[stream] += chunk;
      notify();
    }
  };
  const drained = Promise.all([pump("stdout", child.stdout), pump("stderr", child.stderr)]).catch(() => {});
  let exited = false;
  const status = child.status.then(async (s) => {
    await drained;
    exited = true;
    notify();
    return s;
  });
  const kill = (sig: Deno.Signal) => {
    try {
      child.kill(sig);
    } catch { /* already exited */ }
  };
  const finished = async (what: string, timeoutMs = CHILD_DEADLINE_MS): Promise<Finished> => {
    try {
      const s = await withDeadline(what, status, timeoutMs);
      return { code: s.code, signal: s.signal, stdout: texts.stdout, stderr: texts.stderr };
    } catch (err) {
      kill("SIGKILL");
      throw err;
    }
  };
  const name = args.slice(0, 3).join(" ");
  return {
    pid: child.pid,
    status,
    text,
    kill,
    async waitFor(stream, what, match, timeoutMs = 60_000) {
      const test = typeof match === "function" ? match : (t: string) => t.match(match) ?? undefined;
      const deadline = Date.now() + timeoutMs;
      const tail = () => `${stream} so far: ${JSON.stringify(text(stream).slice(-500))}`;
      for (;;) {
        const got = test(text(stream));
        if (got !== undefined && got !== null) return got as never;
        if (exited) throw new Error(`${name} exited before ${what}; ${tail()}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${tail()}`);
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([changed, new Promise((r) => timer = setTimeout(r, left))]);
        clearTimeout(timer);
      }
    },
    stop(signal = "SIGTERM", timeoutMs = 60_000) {
      kill(signal);
      return finished(`${name} to exit after ${signal}`, timeoutMs);
    },
    finished: (timeoutMs) => finished(`${name} to exit`, timeoutMs),
    async close() {
      kill("SIGKILL");
      await status.catch(() => {});
    },
  };
}

/** Starts `deno run -A <script> ...args` (see startDeno). */
export function startScript(script: string, args: string[], opts: ProcOptions = {}): ScriptProc {
  return startDeno(["run", "-A", script, ...args], opts);
}
