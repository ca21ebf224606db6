// Starts the agent and reads its stream-json as it comes: every chunk is kept in the raw stream
// file, every event goes to `onEvent`, and reading stops at the `result` (or the watchdog), not
// at the pipe's end: runs that never close their stream are a known hang.
import { createWriteStream } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { redactSecrets } from "../../src/model/redact.ts";
import type { AgentInvocation } from "../../src/runner/agent-command.ts";
import type { StreamEvent } from "../../src/runner/stream.ts";
import {
  readAgentStream,
  type StreamOutcome,
  type WatchdogLimits,
} from "../../src/runner/stream-watchdog.ts";

/** A started agent process. */
export interface AgentProcess {
  stdout: AsyncIterable<string | Uint8Array>;
  /** Resolves when the process ends; `startError` when it could not start at all. */
  exited: Promise<{ exitCode: number | null; signal: string | null; startError: string | null }>;
  kill(): void;
}

/** Starts the agent without a shell, writing `input` to its stdin. */
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

/** How long to wait for the process to exit after its result before killing it. */
const EXIT_GRACE_MS = 10_000;

export async function runAgent(params: {
  spawn: SpawnAgent;
  invocation: AgentInvocation;
  cwd: string;
  env: Record<string, string>;
  prompt: string;
  rawStreamPath: string;
  limits: WatchdogLimits;
  /** Values redacted from the raw stream file once the run ends (it is uploaded as an artifact). */
  secrets: readonly string[];
  onEvent: (event: StreamEvent) => void;
}): Promise<AgentRun> {
  const child = params.spawn({
    file: params.invocation.file,
    args: params.invocation.args,
    cwd: params.cwd,
    env: params.env,
    input: params.prompt,
  });
  const raw = createWriteStream(params.rawStreamPath, { flags: "a" });
  async function* tee(): AsyncIterable<string | Uint8Array> {
    for await (const chunk of child.stdout) {
      raw.write(chunk);
      yield chunk;
    }
  }
  const report = await readAgentStream({ ...params.limits, source: tee(), onEvent: params.onEvent });
  if (report.outcome.kind === "timeout") child.kill();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const grace = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), EXIT_GRACE_MS);
  });
  let exit = await Promise.race([child.exited, grace]);
  if (exit === null) {
    child.kill();
    exit = await child.exited;
  }
  clearTimeout(timer);
  await new Promise<void>((resolve) => raw.end(() => resolve()));
  const text = await readFile(params.rawStreamPath, "utf8");
  const clean = redactSecrets(text, params.secrets);
  if (clean !== text) await writeFile(params.rawStreamPath, clean);
  return { outcome: report.outcome, ...exit, noise: report.noise.length };
}
