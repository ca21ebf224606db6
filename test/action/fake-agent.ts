// A fake agent process for the runner's tests: its stdout and stderr are pipes the test writes
// to, it exits when told to or when killed, and it records every signal.
import type { AgentExit, AgentProcess } from "../../action/src/agent.ts";

/** A pipe the test writes to: chunks are read in order; `close` ends it, otherwise it stays open. */
export function pipe() {
  const queue: Array<string | null> = [];
  let wake: (() => void) | null = null;
  const iterable: AsyncIterable<string> = {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        const next = queue.shift();
        if (next === null || next === undefined) return;
        yield next;
      }
    },
  };
  const push = (chunk: string | null) => {
    queue.push(chunk);
    wake?.();
    wake = null;
  };
  return { iterable, write: (chunk: string) => push(chunk), close: () => push(null) };
}

/** A fake agent that exits when killed (or when told to), recording every signal. */
export function fakeAgent() {
  const stdout = pipe();
  const stderr = pipe();
  let exit: (value: AgentExit) => void = () => {};
  const exited = new Promise<AgentExit>((resolve) => {
    exit = resolve;
  });
  const signals: string[] = [];
  const process: AgentProcess = {
    stdout: stdout.iterable,
    stderr: stderr.iterable,
    exited,
    kill(signal = "SIGTERM") {
      signals.push(signal);
      stdout.close();
      stderr.close();
      exit({ exitCode: null, signal, startError: null });
    },
  };
  return { process, stdout, stderr, signals, exit };
}

export async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never happened: ${what}`);
}
