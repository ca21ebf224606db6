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
import type { EmitOptions, RefUpdate, SimContext } from "./context.ts";
import { applyRefUpdate } from "./effects.ts";
import { initBareRepo } from "./git.ts";
import { isoNow } from "./http.ts";
import { createRouter } from "./routes/index.ts";
import { type ContractValidator, createSimServer, listen } from "./server.ts";
import { type Permission, type SimHook, type SimRepo, SimState, type SimToken } from "./state.ts";
import { emitEvent } from "./webhooks.ts";

export type { ContractValidator } from "./server.ts";
export type { Permission, SimRepo, SimState, SimToken } from "./state.ts";

export interface SimOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Checks every request and response against GitHub's OpenAPI description. */
  validator?: ContractValidator;
  /** Name of the GitHub App whose installation tokens act as `<slug>[bot]`. */
  appSlug?: string;
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
    emit: (repo: SimRepo, event: string, payload: Record<string, unknown>, emitOptions?: EmitOptions) =>
      emitEvent(context, repo, event, payload, emitOptions),
    refUpdated: (update: RefUpdate) => applyRefUpdate(context, update),
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
  const server: Server = createSimServer({ router, context: () => context, validator: options.validator });
  const port = await listen(server, options.port ?? 0);
  baseUrl = `http://127.0.0.1:${port}`;

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
      const record: SimHook = {
        id: state.nextId(),
        url: hook.url,
        secret: hook.secret,
        events: hook.events ?? ["*"],
        active: true,
      };
      repo.hooks.push(record);
      return record;
    },
    cloneUrl(repo, token) {
      const u = new URL(`${baseUrl}/${repo.owner}/${repo.name}.git`);
      u.username = "x-access-token";
      u.password = token;
      return u.toString();
    },
    idle: () => context.idle(),
    async stop() {
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
