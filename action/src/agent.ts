// Starts the agent and reads its stream-json as it comes: every line is redacted and kept in the
// raw stream file, every event goes to `onEvent`, and reading stops at the `result` (or the
// watchdog), not at the pipe's end: runs that never close their stream are a known hang. When
// the agent is done its whole process group is ended, so orphans it left (MCP servers,
// background tools) neither hold the job open nor touch the checkout while the runner pushes.
import { createWriteStream } from "node:fs";
import type { AgentInvocation } from "../../src/runner/agent-command.ts";
import { createLineRedactor, splitLines } from "../../src/runner/redact-lines.ts";
import type { StreamEvent } from "../../src/runner/stream.ts";
import {
  readAgentStream,
  type StreamOutcome,
  type WatchdogLimits,
} from "../../src/runner/stream-watchdog.ts";

export interface AgentExit {
  exitCode: number | null;
  signal: string | null;
  /** Set when the command could not start at all. */
  startError: string | null;
}

/** A started agent process. */
export interface AgentProcess {
  stdout: AsyncIterable<string | Uint8Array>;
  stderr: AsyncIterable<string | Uint8Array>;
  /** Resolves when the process ends. */
  exited: Promise<AgentExit>;
  /** Signals the agent's whole process group, its orphans included; a gone group is no error. */
  kill(signal?: "SIGTERM" | "SIGKILL"): void;
}

/** Starts the agent without a shell, in its own process group, writing `input` to its stdin. */
export type SpawnAgent = (params: {
  file: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  input: string;
}) => AgentProcess;

export interface AgentRun {
  outcome: StreamOutcome;
  exitCode: number | null;
  signal: string | null;
  startError: string | null;
  noise: number;
}

/** How long the process may take to exit after its result (or after SIGTERM) before the next signal. */
export const EXIT_GRACE_MS = 10_000;

function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function runAgent(params: {
  spawn: SpawnAgent;
  invocation: AgentInvocation;
  cwd: string;
  env: Record<string, string>;
  prompt: string;
  rawStreamPath: string;
  limits: WatchdogLimits;
  /** Values redacted from the raw stream file and the agent's stderr (the file is uploaded). */
  secrets: readonly string[];
  onEvent: (event: StreamEvent) => void;
  /** Each line the agent printed on stderr, redacted. */
  onStderr: (line: string) => void;
  graceMs?: number;
}): Promise<AgentRun> {
  const grace = params.graceMs ?? EXIT_GRACE_MS;
  const child = params.spawn({
    file: params.invocation.file,
    args: params.invocation.args,
    cwd: params.cwd,
    env: params.env,
    input: params.prompt,
  });
  const raw = createWriteStream(params.rawStreamPath, { flags: "a" });
  const rawRedactor = createLineRedactor(params.secrets);
  async function* tee(): AsyncIterable<string | Uint8Array> {
    for await (const chunk of child.stdout) {
      const clean = rawRedactor.push(chunk);
      if (clean !== "") raw.write(clean);
      yield chunk;
    }
  }
  const stderrDone = (async () => {
    const redactor = createLineRedactor(params.secrets);
    try {
      for await (const chunk of child.stderr)
        for (const line of splitLines(redactor.push(chunk))) params.onStderr(line);
    } catch {
      // The stream was torn down with the process; what came is already passed on.
    }
    for (const line of splitLines(redactor.end())) params.onStderr(line);
  })();

  const report = await readAgentStream({ ...params.limits, source: tee(), onEvent: params.onEvent });
  if (report.outcome.kind === "timeout") child.kill("SIGTERM");
  let exit = await within(child.exited, grace);
  if (exit === null) {
    child.kill("SIGTERM");
    exit = await within(child.exited, grace);
  }
  if (exit === null) {
    child.kill("SIGKILL");
    exit = await within(child.exited, grace);
  }
  // Whatever the agent left running in its group goes too.
  child.kill("SIGKILL");
  await within(stderrDone, 1_000);
  const rest = rawRedactor.end();
  await new Promise<void>((resolve) => raw.end(rest, () => resolve()));
  return {
    outcome: report.outcome,
    ...(exit ?? { exitCode: null, signal: "SIGKILL", startError: null }),
    noise: report.noise.length,
  };
}
