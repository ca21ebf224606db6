import { writeFile } from "node:fs/promises";
import { getBead } from "../../src/github/issues.ts";
import type { GitHubClient } from "../../src/github/octokit.ts";
import type { Logger } from "../../src/log.ts";
import { redactSecrets } from "../../src/model/redact.ts";
import { buildAgentInvocation } from "../../src/runner/agent-command.ts";
import { readFixUp } from "../../src/model/fixup.ts";
import { polecatBranch } from "../../src/runner/branch.ts";
import { buildAgentEnv, withoutSecrets } from "../../src/runner/env.ts";
import { EMPTY_PROGRESS_TALLY, type ProgressTally, tallyEvent } from "../../src/runner/progress.ts";
import { decideStatus, type FinalStatus } from "../../src/runner/status.ts";
import type { AgentResult } from "../../src/runner/stream.ts";
import { renderStepSummary } from "../../src/runner/summary.ts";
import type { TownContext } from "../../src/town/context.ts";
import { detachHook } from "../../src/town/hooks.ts";
import { runAgent, type SpawnAgent } from "./agent.ts";
import { finishJob } from "./finish.ts";
import * as git from "./git.ts";
import type { PolecatInputs } from "./inputs.ts";
import { loadPolecatMolecule, withClosed } from "./molecule.ts";
import { createOutboxApplier } from "./outbox-apply.ts";
import { type ProgressKeeper, startProgress } from "./progress.ts";
import { gatherPrompt } from "./prompt.ts";
import { describeHookUnlessOurs, failEarly, jobPaths, writeShims } from "./setup.ts";

export interface PolecatDeps {
  inputs: PolecatInputs;
  octokit: GitHubClient;
  exec: git.Exec;
  spawnAgent: SpawnAgent;
  /** The runner's environment, the base of the agent's (secrets are taken out). */
  env: Readonly<Record<string, string | undefined>>;
  /** How the agent's `gt`/`bd` re-enter this program: node and the entry script. */
  cliEntry: { node: string; script: string };
  now: () => number;
  log: Logger;
  /** Watchdog limits for the agent's stream; default: the `time-limit` input in all, 15 min of silence. */
  limits?: { deadlineMs: number; idleMs: number };
  /** How often the outbox is applied while the agent runs. */
  outboxPollMs?: number;
}

/** What the job reports: the action's outputs plus the step summary. */
export interface PolecatOutcome {
  status: FinalStatus;
  reasons: string[];
  branch: string;
  pr: { number: number; url: string } | null;
  turns: number;
  costUsd: number;
  durationS: number;
  summary: string;
  rawStreamPath: string | null;
}

/** An agent that prints nothing for this long is stopped (or for the whole time limit, if shorter). */
const IDLE_LIMIT_MS = 15 * 60_000;

/**
 * Runs the polecat's job from the hook to the pull request. Throws only on an unexpected error,
 * after saying so in the progress comment (the hook stays, so the witness can restart the job).
 */
export async function runPolecat(deps: PolecatDeps): Promise<PolecatOutcome> {
  const started: { progress: ProgressKeeper | null } = { progress: null };
  try {
    return await runSteps(deps, started);
  } catch (error: unknown) {
    const { inputs } = deps;
    const secrets = [inputs.githubToken, inputs.anthropicApiKey, inputs.claudeCodeOauthToken];
    const message = redactSecrets(error instanceof Error ? error.message : String(error), secrets);
    await started.progress
      ?.update({ phase: "finished", status: "failed", reasons: [message] }, { final: true })
      .catch(() => undefined);
    throw error;
  }
}

async function runSteps(
  deps: PolecatDeps,
  started: { progress: ProgressKeeper | null },
): Promise<PolecatOutcome> {
  const { inputs, log } = deps;
  const [owner = "", name = ""] = inputs.repository.split("/");
  const town: TownContext = {
    octokit: deps.octokit,
    repo: { owner, repo: name },
    log,
    now: () => new Date(deps.now()),
  };
  const secrets = [inputs.githubToken, inputs.anthropicApiKey, inputs.claudeCodeOauthToken].filter(
    (s) => s !== "",
  );
  const runUrl =
    inputs.runId === null ? null : `${inputs.serverUrl}/${inputs.repository}/actions/runs/${inputs.runId}`;

  // 1. The branch name, and the hook: refuse a stale dispatch before touching anything.
  const branchName = polecatBranch(inputs.polecat, inputs.bead);
  if (!branchName.ok) return failEarly(branchName.error.message, "", inputs, secrets);
  const ownBranch = branchName.value;
  const hookNow = await describeHookUnlessOurs(town, inputs);
  if (hookNow !== null) {
    return failEarly(
      `Stale dispatch refused: #${inputs.bead} is not hooked to ${inputs.polecat} attempt ${inputs.attempt} (it is held by ${hookNow}). Nothing was changed; sling the bead again for a fresh dispatch.`,
      ownBranch,
      inputs,
      secrets,
    );
  }

  // 2. The bead and the progress comment. A refinery fix-up works on its pull request's branch.
  const bead = await getBead(town, inputs.bead);
  const fixUp = readFixUp(bead.metadata);
  const branch = fixUp?.branch ?? ownBranch;
  const molecule = await loadPolecatMolecule({ town, bead, formula: inputs.formula, log });
  const progressSteps = (closed: readonly string[]) =>
    withClosed(molecule?.steps ?? [], closed).map(({ id, title, done }) => ({ id, title, done }));
  const progress = await startProgress({
    town,
    now: deps.now,
    log,
    initial: {
      bead: bead.number,
      polecat: inputs.polecat,
      attempt: inputs.attempt,
      run: inputs.runId,
      phase: "starting",
      steps: progressSteps([]),
      currentStep: molecule?.current ?? null,
      branch,
      runUrl,
      secrets,
    },
  });
  started.progress = progress;

  // 3. Credentials for the agent: without them there is nothing to run.
  const credentials = {
    ANTHROPIC_API_KEY: inputs.anthropicApiKey || deps.env.ANTHROPIC_API_KEY || "",
    CLAUDE_CODE_OAUTH_TOKEN: inputs.claudeCodeOauthToken || deps.env.CLAUDE_CODE_OAUTH_TOKEN || "",
  };
  const invocation = buildAgentInvocation({
    command: inputs.agentCommand,
    model: inputs.model,
    maxTurns: inputs.maxTurns,
    allowedTools: inputs.allowedTools,
  });
  const startProblem =
    credentials.ANTHROPIC_API_KEY === "" && credentials.CLAUDE_CODE_OAUTH_TOKEN === ""
      ? "No Anthropic credentials: set the `anthropic-api-key` input (or `claude-code-oauth-token`) from a repository secret, then sling the bead again."
      : invocation.ok
        ? null
        : `${invocation.error.message} ${invocation.error.hint}`;
  if (startProblem !== null || !invocation.ok) {
    const reason = startProblem ?? "The agent command is invalid.";
    await progress.update({ phase: "finished", status: "failed", reasons: [reason] }, { final: true });
    await detachHook(town, { bead: bead.number, polecat: inputs.polecat });
    const outcome = failEarly(reason, branch, inputs, secrets);
    return outcome;
  }

  // 4. The branch: reuse origin's (crash recovery) or start it from the base.
  const base =
    inputs.baseBranch || (await deps.octokit.rest.repos.get({ owner, repo: name })).data.default_branch;
  const g: git.GitParams = {
    exec: deps.exec,
    cwd: inputs.workspace,
    token: inputs.githubToken,
    env: withoutSecrets(deps.env),
  };
  const dropped = await git.dropPersistedCredentials(g);
  if (dropped.length > 0) log.info({ dropped }, "removed credentials the checkout left in .git/config");
  await git.ensureIdentity({
    ...g,
    name: `${inputs.polecat} (Gas Town polecat)`,
    email: `${inputs.polecat}@polecats.gastown.invalid`,
  });
  const start = await git.checkoutBranch({ ...g, branch, base });
  log.info({ branch, reused: start.reused }, start.reused ? "resuming the branch" : "starting the branch");

  // 5. The prompt: bead, molecule, unread mail, last handoff, the repo's own instructions.
  const rig = name;
  const address = `${rig}/polecats/${inputs.polecat}`;
  const prompt = await gatherPrompt({ town, inputs, git: g, bead, molecule, branch, base, address, log });

  // 6. The agent's environment: no GitHub token, `gt` on PATH in outbox mode.
  const paths = jobPaths({
    tempDir: inputs.tempDir,
    bead: bead.number,
    attempt: inputs.attempt,
    runKey: inputs.runId ?? deps.now(),
  });
  const binDir = paths.bin;
  await writeShims(binDir, deps.cliEntry);
  const outboxPath = paths.outbox;
  const rawStreamPath = paths.rawStream;
  await writeFile(outboxPath, "");
  const agentEnv = buildAgentEnv({
    env: deps.env,
    gtBinDir: binDir,
    outboxPath,
    polecat: inputs.polecat,
    address,
    bead: bead.number,
    repo: inputs.repository,
    credentials,
  });
  const allSecrets = [...new Set([...secrets, ...agentEnv.secrets])];
  log.info({ removed: agentEnv.removed }, "agent environment built without these variables");

  // 7. Run the agent: stream → progress, outbox applied as it grows. Whatever it configures in
  // `.git/config` is undone before the runner calls git again.
  const restoreConfig = await git.snapshotConfig(g);
  const outbox = createOutboxApplier({
    town,
    path: outboxPath,
    log,
    context: {
      bead: bead.number,
      polecat: inputs.polecat,
      rig,
      attempt: inputs.attempt,
      molecule,
      runUrl,
      secrets: allSecrets,
    },
  });
  let tally: ProgressTally = EMPTY_PROGRESS_TALLY;
  const startedAt = deps.now();
  void progress.update({ phase: "working", secrets: allSecrets });
  const drain = async () => {
    await outbox.drain();
    const closed = outbox.state.signals.stepsClosed;
    const steps = progressSteps(closed);
    await progress.update({ steps, currentStep: steps.find((s) => !s.done)?.id ?? null });
  };
  const poll = setInterval(() => void drain(), deps.outboxPollMs ?? 1_000);
  let run: Awaited<ReturnType<typeof runAgent>>;
  try {
    run = await runAgent({
      spawn: deps.spawnAgent,
      invocation: invocation.value,
      cwd: inputs.workspace,
      env: agentEnv.env,
      prompt,
      rawStreamPath,
      secrets: allSecrets,
      limits: deps.limits ?? {
        deadlineMs: inputs.timeLimitMs,
        idleMs: Math.min(IDLE_LIMIT_MS, inputs.timeLimitMs),
      },
      onStderr: (line) => log.info({}, `[agent] ${line}`),
      onEvent: (event) => {
        tally = tallyEvent(tally, event);
        void progress.update({
          activity: tally.activity,
          turns: tally.turns,
          elapsedMs: deps.now() - startedAt,
        });
      },
    });
  } finally {
    clearInterval(poll);
  }
  await drain();
  const result: AgentResult | null = run.outcome.kind === "result" ? run.outcome.result : null;

  // 8. Undo the agent's git config, commit leftovers as a safety net, re-read the hook, and
  // decide how the job ended.
  if (await restoreConfig()) log.warn({ branch }, "the agent changed .git/config; it was put back");
  const committed = await git.commitLeftovers({
    ...g,
    message: `polecat ${inputs.polecat}: work left uncommitted on #${bead.number}`,
  });
  if (committed) log.info({ branch }, "committed changes the agent left uncommitted");
  const ahead = await git.commitsAhead({ ...g, base });
  const decision = decideStatus({
    startError: run.startError,
    result,
    timeout: run.outcome.kind === "timeout" ? run.outcome.expiry : null,
    exitCode: run.exitCode,
    signal: run.signal,
    entries: outbox.state.entries,
    hasChanges: ahead > 0,
    maxTurns: inputs.maxTurns,
    hookLostTo: await describeHookUnlessOurs(town, inputs),
  });
  const reasons = decision.reasons.map((r) => redactSecrets(r, allSecrets));

  // 9–10. Push, the PR, the handoff, the hook's final state.
  const pr = await finishJob({
    town,
    inputs,
    git: g,
    bead,
    branch,
    base,
    decision,
    reasons,
    steps: progressSteps(outbox.state.signals.stepsClosed),
    stepsClosed: outbox.state.signals.stepsClosed,
    summary: outbox.state.signals.done?.summary ?? result?.text ?? null,
    runUrl,
    secrets: allSecrets,
  });

  // 11. The final progress edit and the step summary.
  const figures = result
    ? { turns: result.turns, costUsd: result.costUsd, durationMs: result.durationMs }
    : null;
  await progress.update(
    {
      phase: "finished",
      status: decision.status,
      reasons,
      activity: null,
      turns: figures?.turns ?? tally.turns,
      costUsd: figures?.costUsd ?? null,
      elapsedMs: deps.now() - startedAt,
      pr,
    },
    { final: true },
  );
  await progress.flush();
  const files = await git.changedFiles({ ...g, base });
  const summary = renderStepSummary({
    status: decision.status,
    reasons,
    bead: { number: bead.number, title: bead.title, url: bead.url },
    polecat: inputs.polecat,
    attempt: inputs.attempt,
    branch,
    runUrl,
    figures,
    filesChanged: files,
    stepsClosed: outbox.state.signals.stepsClosed,
    pr,
    problems: outbox.state.problems,
    secrets: allSecrets,
  });
  return {
    status: decision.status,
    reasons,
    branch,
    pr,
    turns: figures?.turns ?? tally.turns,
    costUsd: figures?.costUsd ?? 0,
    durationS: Math.round((figures?.durationMs ?? deps.now() - startedAt) / 1000),
    summary,
    rawStreamPath,
  };
}
