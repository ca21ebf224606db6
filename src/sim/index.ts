// The loopback GitHub: a stateful, token-checked GitHub on 127.0.0.1 for end-to-end tests and
// the offline demo. Production code talks to it unchanged by pointing Octokit's `baseUrl` here.
//
//   const sim = await startSim();
//   const repo = await sim.createRepo({ owner: "acme", name: "app", files: { "README.md": "hi" } });
//   const octokit = new Octokit({ baseUrl: sim.url, auth: sim.token({ kind: "installation" }) });
//   ...
//   await sim.stop();
import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findRun, killAllRuns, killRun, runLog } from "./actions-runner.ts";
import { registerWorkflow, type WorkflowSpec } from "./actions-triggers.ts";
import type { EmitOptions, RefUpdate, SimContext } from "./context.ts";
import { applyRefUpdate } from "./effects.ts";
import { initBareRepo } from "./git.ts";
import { isoNow } from "./http.ts";
import {
  enableMergeQueue,
  type MergeQueueOptions,
  observeEvent,
  observeRefUpdate,
  type SimMergeQueue,
} from "./merge-queue.ts";
import type { RateLimitOptions } from "./rate-limit.ts";
import { createRouter } from "./routes/index.ts";
import { type RulesetSpec, type SimRuleset, setRulesets } from "./rulesets.ts";
import { type ContractValidator, createSimServer, listen } from "./server.ts";
import {
  type Permission,
  type SimCiConfig,
  type SimDelivery,
  type SimHook,
  type SimRepo,
  SimState,
  type SimToken,
  type SimWorkflow,
} from "./state.ts";
import { createHook, emitEvent, redeliver } from "./webhooks.ts";

export type { WorkflowSpec } from "./actions-triggers.ts";
export type { RateLimitOptions, RateLimits } from "./rate-limit.ts";
export type { MergeQueueOptions, SimMergeQueue } from "./merge-queue.ts";
export type { RulesetSpec, SimRuleset } from "./rulesets.ts";
export type { ContractValidator } from "./server.ts";
export type { SimDelivery, SimWorkflow, SimWorkflowRun } from "./state.ts";
export type { Permission, SimCiConfig, SimRepo, SimState, SimToken } from "./state.ts";

export interface SimOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Checks every request and response against GitHub's OpenAPI description. */
  validator?: ContractValidator;
  /** Name of the GitHub App whose installation tokens act as `<slug>[bot]`. */
  appSlug?: string;
  /**
   * GitHub's primary rate limit. Counted per caller and reported in `x-ratelimit-*` headers
   * always; refused past the limit (403) only with `enforce`, so long runs never stall on it.
   */
  rateLimit?: RateLimitOptions;
}

export interface CreateRepoOptions {
  owner: string;
  name: string;
  private?: boolean;
  defaultBranch?: string;
  /** Files of the initial commit on the default branch. */
  files?: Record<string, string>;
}

export interface Sim {
  /** Base URL of the REST API (Octokit's `baseUrl`); git clones at `${url}/{owner}/{repo}.git`. */
  readonly url: string;
  readonly state: SimState;
  readonly context: SimContext;
  createRepo(options: CreateRepoOptions): Promise<SimRepo>;
  /** Gives a user a permission level on a repo (`none` removes it). */
  setPermission(repo: SimRepo, login: string, permission: Permission): void;
  /**
   * Issues a token. `installation` acts as the app's bot, `workflow` as `github-actions[bot]`
   * (its events start no workflows), `user` as the named human.
   */
  token(spec: { kind: SimToken["kind"]; login?: string; repos?: string[]; permission?: Permission }): string;
  /** Registers a webhook on a repo; `events` defaults to every event. */
  addHook(repo: SimRepo, hook: { url: string; secret: string; events?: string[] }): SimHook;
  /** Clone URL carrying a token, for `git clone`. */
  cloneUrl(repo: SimRepo, token: string): string;
  /** Resolves when webhook deliveries, CI and workflow runs started so far have settled. */
  idle(): Promise<void>;
  /** Sets (or, with `undefined`, removes) the repo's CI: a command run on pushes and PRs. */
  setCi(repo: SimRepo, config: SimCiConfig | undefined): void;
  /**
   * Protects the default branch: `contexts` must pass on a PR's head before it merges; with
   * `upToDate`, the head must contain the base tip; with `approvals`, that many writers approve.
   */
  requireChecks(
    repo: SimRepo,
    contexts: string[],
    options?: { upToDate?: boolean; approvals?: number },
  ): void;
  /**
   * Turns on GitHub's native merge queue for a branch (default: the default branch): PRs join by
   * GraphQL `enqueuePullRequest`, each gets a merge group on `gh-readonly-queue/…` tested for
   * `checks`, and the base fast-forwards to the front group once they pass. Calling it again
   * reconfigures the queue. CI runs on groups only with `setCi(…, { mergeGroups: true })`.
   */
  enableMergeQueue(repo: SimRepo, options: MergeQueueOptions): SimMergeQueue;
  /**
   * Replaces the repo's rulesets (what `GET /repos/{o}/{r}/rules/branches/{b}` reports, with a
   * `merge_queue` rule for every queue): their required checks must pass on a PR's head before
   * it may join a merge queue.
   */
  setRulesets(repo: SimRepo, rulesets: RulesetSpec[]): SimRuleset[];
  /**
   * The GitHub App's own webhook: receives every repo's events (repos created later too), as
   * an app's webhook URL does. `events` defaults to every event.
   */
  addAppHook(hook: { url: string; secret: string; events?: string[] }): SimHook;
  /** Registers (or replaces, by file name) a workflow whose one job runs `command` in a checkout. */
  registerWorkflow(repo: SimRepo, spec: WorkflowSpec): SimWorkflow;
  /** The delivery log, oldest first (optionally one hook's). */
  deliveries(hookId?: number): SimDelivery[];
  /** Sends a logged delivery again (same GUID, `redelivery: true`); resolves with the new log entry. */
  redeliver(deliveryId: number): Promise<SimDelivery>;
  /** The outputs a run's job wrote to `GITHUB_OUTPUT` (latest attempt). */
  runOutputs(runId: number): Record<string, string>;
  /** What a run's job wrote to `GITHUB_STEP_SUMMARY` (latest attempt). */
  runSummary(runId: number): string;
  /** A run's job log, secrets masked (latest attempt; as far as it got while the run goes on). */
  runLog(runId: number): string;
  /**
   * SIGKILLs a run's processes mid-way, as a crashed runner: the job and run conclude `failure`
   * with their `completed` events. Resolves once the run has completed.
   */
  killRun(runId: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startSim(options: SimOptions = {}): Promise<Sim> {
  const state = new SimState();
  if (options.appSlug) state.appSlug = options.appSlug;
  const dataDir = await mkdtemp(join(tmpdir(), "gastown-sim-"));
  const pending = new Set<Promise<unknown>>();
  let baseUrl = "";

  const context: SimContext = {
    state,
    get baseUrl() {
      return baseUrl;
    },
    emit: (repo: SimRepo, event: string, payload: Record<string, unknown>, emitOptions?: EmitOptions) => {
      emitEvent(context, repo, event, payload, emitOptions);
      observeEvent(context, repo, event, payload);
    },
    refUpdated: (update: RefUpdate) =>
      applyRefUpdate(context, update).finally(() => observeRefUpdate(context, update)),
    track(work) {
      const tracked = work.catch(() => undefined).finally(() => pending.delete(tracked));
      pending.add(tracked);
    },
    async idle() {
      // Work may schedule more work; wait until nothing is left.
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };

  const router = createRouter();
  const server: Server = createSimServer({
    router,
    context: () => context,
    validator: options.validator,
    rateLimit: options.rateLimit,
  });
  const port = await listen(server, options.port ?? 0);
  baseUrl = `http://127.0.0.1:${port}`;

  const runOf = (runId: number) => {
    const found = findRun(state, runId);
    if (!found) throw new Error(`No workflow run ${runId} in the sim.`);
    return found.run;
  };

  const sim: Sim = {
    url: baseUrl,
    state,
    context,
    async createRepo(repoOptions) {
      const owner = state.user(repoOptions.owner);
      const branch = repoOptions.defaultBranch ?? "main";
      const gitDir = join(dataDir, "git", owner.login, `${repoOptions.name}.git`);
      const repo: SimRepo = {
        id: state.nextId(),
        owner: owner.login,
        name: repoOptions.name,
        private: repoOptions.private ?? false,
        default_branch: branch,
        gitDir,
        created_at: isoNow(),
        collaborators: new Map(),
        issues: new Map(),
        issueIdToNumber: new Map(),
        nextNumber: 1,
        labels: new Map(),
        milestones: new Map(),
        nextMilestone: 1,
        comments: new Map(),
        reactions: new Map(),
        pulls: new Map(),
        reviews: new Map(),
        checkRuns: new Map(),
        checkSuites: new Map(),
        statuses: [],
        workflows: new Map(),
        runs: new Map(),
        jobs: new Map(),
        nextRunNumber: 1,
        requiredChecks: [],
        hooks: [],
      };
      await initBareRepo({ gitDir, branch, files: repoOptions.files ?? { "README.md": `# ${repo.name}\n` } });
      state.repos.set(`${repo.owner}/${repo.name}`.toLowerCase(), repo);
      return repo;
    },
    setPermission(repo, login, permission) {
      state.user(login);
      if (permission === "none") repo.collaborators.delete(login.toLowerCase());
      else repo.collaborators.set(login.toLowerCase(), permission);
    },
    token(spec) {
      const login =
        spec.login ??
        (spec.kind === "installation"
          ? `${state.appSlug}[bot]`
          : spec.kind === "workflow"
            ? "github-actions[bot]"
            : "octocat");
      return state.issueToken({
        kind: spec.kind,
        login,
        ...(spec.repos ? { repos: spec.repos } : {}),
        ...(spec.permission ? { permission: spec.permission } : {}),
      }).token;
    },
    addHook(repo, hook) {
      return createHook(state, repo.hooks, hook);
    },
    cloneUrl(repo, token) {
      const u = new URL(`${baseUrl}/${repo.owner}/${repo.name}.git`);
      u.username = "x-access-token";
      u.password = token;
      return u.toString();
    },
    idle: () => context.idle(),
    setCi(repo, config) {
      if (config) repo.ci = { ...config, command: [...config.command], branches: [...config.branches] };
      else delete repo.ci;
    },
    requireChecks(repo, contexts, protection = {}) {
      repo.requiredChecks = [...contexts];
      if (protection.upToDate !== undefined) repo.requireUpToDate = protection.upToDate;
      if (protection.approvals !== undefined) repo.requiredApprovals = protection.approvals;
    },
    enableMergeQueue: (repo, queueOptions) => enableMergeQueue(context, repo, queueOptions),
    setRulesets: (repo, rulesets) => setRulesets(state, repo, rulesets),
    addAppHook(hook) {
      return createHook(state, state.appHooks, { ...hook, scope: "app" });
    },
    registerWorkflow: (repo, spec) => registerWorkflow(state, repo, spec),
    deliveries: (hookId) => state.deliveries.filter((d) => hookId === undefined || d.hook_id === hookId),
    redeliver: (deliveryId) => redeliver(context, deliveryId),
    runOutputs: (runId) => ({ ...runOf(runId).outputs }),
    runSummary: (runId) => runOf(runId).summary,
    runLog: (runId) => runLog(context, runId) ?? runOf(runId).log,
    killRun: (runId) => killRun(context, runId),
    async stop() {
      // Runs still going die with the sim rather than keep it from stopping.
      await killAllRuns(context);
      await context.idle();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return sim;
}
