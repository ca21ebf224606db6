// What every handler shares: the config cache, the delivery memory, per-repository facts and the
// clock, plus the step that turns a Probot context into a town context (client, repo, label
// names from the config) with the repo's hints for slinging.
import type { Context } from "probot";
import type { GitHubClient, RepoRef } from "../github/octokit.ts";
import { getDefaultBranchHead } from "../github/refs.ts";
import type { Logger } from "../log.ts";
import type { TownContext } from "../town/context.ts";
import { RefineryRuntime } from "../town/refinery/index.ts";
import type { RepoHints, SlingSettings } from "../town/sling.ts";
import { reportConfigProblem } from "./config-report.ts";
import {
  ConfigCache,
  type ConfigResolution,
  createGitHubConfigReader,
  type GastownConfig,
  loadConfig,
  resolveConfig,
  toLabelTaxonomy,
} from "./config/index.ts";
import { DeliveryMemory } from "./deliveries.ts";
import { BoundedMemory } from "./memory.ts";

/** Shared state of one running app. */
export interface AppRuntime {
  configs: ConfigCache;
  deliveries: DeliveryMemory;
  /** A commit of each repository's default branch, for claim tags (any commit will do). */
  heads: BoundedMemory<string>;
  /** The refinery's per-process memory: one tick at a time per queue, statuses published. */
  refinery: RefineryRuntime;
  /** The config each recent delivery was handled with, so its handlers read (and report) it once. */
  deliveryConfigs: BoundedMemory<ConfigResolution>;
  now?: () => Date;
}

export interface AppRuntimeOptions {
  /** How long a config read is reused, in ms (0: read on every event). */
  configTtlMs?: number;
  /** Delivery ids remembered, so redeliveries change nothing; default 10,000. */
  maxDeliveries?: number;
  /** Repositories whose facts are remembered; default 1,000. */
  maxRepos?: number;
  now?: () => Date;
}

export function createRuntime(options: AppRuntimeOptions = {}): AppRuntime {
  const maxRepos = options.maxRepos ?? 1000;
  return {
    configs: new ConfigCache({
      maxRepos,
      ...(options.configTtlMs === undefined ? {} : { ttlMs: options.configTtlMs }),
    }),
    deliveries: new DeliveryMemory(options.maxDeliveries ?? 10_000),
    heads: new BoundedMemory({ max: maxRepos, ttlMs: 60 * 60_000 }),
    refinery: new RefineryRuntime(),
    deliveryConfigs: new BoundedMemory({ max: 500, ttlMs: 5 * 60_000 }),
    ...(options.now === undefined ? {} : { now: options.now }),
  };
}

/** Probot's pino logger as the town's Logger. */
export function loggerOf(context: Pick<Context, "log">): Logger {
  const log = context.log;
  return {
    debug: (fields, message) => log.debug(fields, message),
    info: (fields, message) => log.info(fields, message),
    warn: (fields, message) => log.warn(fields, message),
    error: (fields, message) => log.error(fields, message),
  };
}

interface RepositoryPayload {
  repository?: { owner: { login: string }; name: string; default_branch?: string };
}

/** The repository an event is about. */
export function repoOf(context: Context): RepoRef {
  const repository = (context.payload as RepositoryPayload).repository;
  if (!repository) throw new Error(`The ${context.name} event names no repository.`);
  return { owner: repository.owner.login, repo: repository.name };
}

/** The event's client, typed as the gateways take it. */
export function clientOf(context: Context): GitHubClient {
  return context.octokit as unknown as GitHubClient;
}

const repoKey = (repo: RepoRef): string => `${repo.owner}/${repo.repo}`.toLowerCase();

/** What the app knows of a repository without asking: its default branch, a commit of it. */
export function hintsFor(runtime: AppRuntime, context: Context, repo: RepoRef): RepoHints {
  const key = repoKey(repo);
  const defaultBranch = (context.payload as RepositoryPayload).repository?.default_branch;
  const commitSha = runtime.heads.get(key);
  return {
    ...(defaultBranch === undefined ? {} : { defaultBranch }),
    ...(commitSha === undefined ? {} : { commitSha }),
    remember: (sha) => runtime.heads.set(key, sha),
  };
}

/** A commit of the default branch: the remembered one, else the head, read and remembered. */
export async function headOf(town: TownContext, hints: RepoHints): Promise<string> {
  if (hints.commitSha !== undefined) return hints.commitSha;
  const head = await getDefaultBranchHead(town);
  hints.remember?.(head);
  return head;
}

/** A town context for the event's repository, with the repo's config applied. */
export interface EventTown {
  town: TownContext;
  config: GastownConfig;
  hints: RepoHints;
}

/**
 * Reads the repo's config (cached; the last good one while the file is invalid) and builds the
 * town context. An invalid file is reported once per distinct problem: a failing check run on the
 * default branch's head, and a comment on `reportOn` (the issue a command came from) when given.
 */
export async function townFor(
  runtime: AppRuntime,
  context: Context,
  options: { reportOn?: number } = {},
): Promise<EventTown> {
  const repo = repoOf(context);
  const octokit = clientOf(context);
  const log = loggerOf(context);
  // A delivery's handlers share one config read: the first reads (and reports a problem once).
  const seen = runtime.deliveryConfigs.get(context.id);
  const resolution =
    seen ??
    (await resolveConfig({
      cache: runtime.configs,
      repo,
      load: () => loadConfig({ repo, read: createGitHubConfigReader(octokit) }),
      log,
    }));
  if (!seen) runtime.deliveryConfigs.set(context.id, resolution);
  const town: TownContext = {
    octokit,
    repo,
    taxonomy: toLabelTaxonomy(resolution.config.labels),
    log,
    ...(runtime.now === undefined ? {} : { now: runtime.now }),
  };
  const hints = hintsFor(runtime, context, repo);
  if (!seen && ((resolution.problem && resolution.report) || resolution.recovered)) {
    await reportConfigProblem({
      town,
      resolution,
      sha: () => headOf(town, hints),
      ...(options.reportOn === undefined ? {} : { reportOn: options.reportOn }),
    });
  }
  return { town, config: resolution.config, hints };
}

/** The sling settings of a config. */
export function slingSettingsOf(config: GastownConfig): SlingSettings {
  return {
    workflow: config.polecat.workflow,
    ref: config.polecat.ref,
    formula: config.polecat.formula,
    names: config.polecat.names,
    maxPolecats: config.max_polecats,
  };
}

/** Who sent an event, and whether it is a bot (the app itself included). */
export interface Sender {
  login: string;
  isBot: boolean;
}

export function senderOf(context: Context): Sender {
  const sender = (context.payload as { sender?: { login: string; type?: string } }).sender;
  const login = sender?.login ?? "ghost";
  return { login, isBot: sender?.type === "Bot" || /\[bot\]$/i.test(login) };
}
