// The action's middle layer: read the inputs, build the clients, run the job, set the outputs,
// and fail once, in one place.
import * as core from "@actions/core";
import { execa } from "execa";
import { createOctokit } from "../../src/github/octokit.ts";
import type { Logger } from "../../src/log.ts";
import { redactSecrets } from "../../src/model/redact.ts";
import type { SpawnAgent } from "./agent.ts";
import type { Exec } from "./git.ts";
import { readInputs } from "./inputs.ts";
import { runPolecat } from "./polecat.ts";

function actionsLogger(secrets: () => readonly string[]): Logger {
  const line = (fields: Record<string, unknown>, message: string) => {
    const extra = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : "";
    return redactSecrets(`${message}${extra}`, secrets());
  };
  return {
    debug: (fields, message) => core.debug(line(fields, message)),
    info: (fields, message) => core.info(line(fields, message)),
    warn: (fields, message) => core.warning(line(fields, message)),
    error: (fields, message) => core.error(line(fields, message)),
  };
}

/** Runs a command without a shell, with exactly the given environment. */
export const exec: Exec = async (file, args, options) => {
  const result = await execa(file, [...args], {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    reject: false,
    stdin: "ignore",
  });
  return {
    exitCode: result.exitCode ?? 1,
    stdout: typeof result.stdout === "string" ? result.stdout : "",
    stderr: typeof result.stderr === "string" ? result.stderr : String(result.shortMessage ?? ""),
  };
};

/** Starts the agent through execa, in its own process group. */
export const spawnAgent: SpawnAgent = (params) => {
  const child = execa(params.file, [...params.args], {
    cwd: params.cwd,
    env: params.env,
    extendEnv: false,
    input: params.input,
    reject: false,
    buffer: false,
    // Its own process group, so ending the agent ends whatever it started too.
    detached: true,
  });
  return {
    stdout: child.stdout,
    stderr: child.stderr,
    exited: child.then((result) => ({
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? null,
      startError:
        result.failed && result.exitCode === undefined && !result.signal
          ? `The agent command \`${params.file}\` could not start: ${result.shortMessage}`
          : null,
    })),
    kill: (signal = "SIGTERM") => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is gone already.
      }
    },
  };
};

/** Appends to the step summary (`GITHUB_STEP_SUMMARY`, which @actions/core finds). */
async function writeSummary(text: string, log: Logger): Promise<void> {
  try {
    await core.summary.addRaw(text).write();
  } catch (error: unknown) {
    log.warn(
      {},
      `could not write the step summary: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Whether the API lives on this machine (the loopback GitHub), never github.com or an Enterprise host. */
export function isLoopbackApi(apiUrl: string): boolean {
  const host = new URL(apiUrl).hostname;
  return host === "127.0.0.1" || host === "localhost" || host === "[::1]";
}

/** Runs the action: inputs → job → outputs. */
export async function run(): Promise<void> {
  let secrets: string[] = [];
  const log = actionsLogger(() => secrets);
  try {
    const inputs = readInputs();
    secrets = [inputs.githubToken, inputs.anthropicApiKey, inputs.claudeCodeOauthToken].filter(
      (s) => s !== "",
    );
    for (const secret of secrets) core.setSecret(secret);
    // The loopback GitHub (tests, benchmarks, the offline demo) has no secondary limits; spacing
    // writes a second apart there only slows every run down.
    const octokit = createOctokit({
      auth: inputs.githubToken,
      baseUrl: inputs.apiUrl,
      log,
      ...(isLoopbackApi(inputs.apiUrl) ? { throttle: false as const } : {}),
    });
    const outcome = await runPolecat({
      inputs,
      octokit,
      exec,
      spawnAgent,
      env: process.env,
      cliEntry: { node: process.execPath, script: process.argv[1] ?? "" },
      now: () => Date.now(),
      log,
    });
    core.setOutput("status", outcome.status);
    core.setOutput("pr-number", outcome.pr ? String(outcome.pr.number) : "");
    core.setOutput("pr-url", outcome.pr?.url ?? "");
    core.setOutput("branch", outcome.branch);
    core.setOutput("turns", String(outcome.turns));
    core.setOutput("cost-usd", String(outcome.costUsd));
    core.setOutput("duration-s", String(outcome.durationS));
    await writeSummary(`${outcome.summary}\n`, log);
    if (outcome.status === "failed") core.setFailed(outcome.reasons[0] ?? "The polecat failed.");
  } catch (error: unknown) {
    const message = redactSecrets(error instanceof Error ? error.message : String(error), secrets);
    core.setOutput("status", "failed");
    // Every job leaves a step summary, an unexpected error's too.
    await writeSummary(`## ❌ Failed\n\n> ${message.replace(/\n+/g, " ")}\n`, log);
    core.setFailed(message);
  }
}
