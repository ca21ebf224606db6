// What every handler shares: the config cache, the delivery memory and the clock, plus the step
// that turns a Probot context into a town context (client, repo, label names from the config).
import type { Context } from "probot";
import type { GitHubClient, RepoRef } from "../github/octokit.ts";
import type { Logger } from "../log.ts";
import type { SlingSettings } from "../town/sling.ts";
import type { TownContext } from "../town/context.ts";
import {
  ConfigCache,
  createGitHubConfigReader,
  type GastownConfig,
  loadConfig,
  renderConfigProblem,
  resolveConfig,
  toLabelTaxonomy,
} from "./config/index.ts";
import { DeliveryMemory } from "./deliveries.ts";

/** Shared state of one running app. */
export interface AppRuntime {
  configs: ConfigCache;
  deliveries: DeliveryMemory;
  now?: () => Date;
}

export interface AppRuntimeOptions {
  /** How long a config read is reused, in ms (0: read on every event). */
  configTtlMs?: number;
  /** Delivery ids remembered, so redeliveries change nothing; default 10,000. */
  maxDeliveries?: number;
  now?: () => Date;
}

export function createRuntime(options: AppRuntimeOptions = {}): AppRuntime {
  return {
    configs: new ConfigCache(options.configTtlMs === undefined ? {} : { ttlMs: options.configTtlMs }),
    deliveries: new DeliveryMemory(options.maxDeliveries ?? 10_000),
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

/** The repository an event is about. */
export function repoOf(context: Context): RepoRef {
  const repository = (context.payload as { repository?: { owner: { login: string }; name: string } })
    .repository;
  if (!repository) throw new Error(`The ${context.name} event names no repository.`);
  return { owner: repository.owner.login, repo: repository.name };
}

/** The event's client, typed as the gateways take it. */
export function clientOf(context: Context): GitHubClient {
  return context.octokit as unknown as GitHubClient;
}

/** A town context for the event's repository, with the repo's config applied. */
export interface EventTown {
  town: TownContext;
  config: GastownConfig;
}

/**
 * Reads the repo's config (cached; the last good one while the file is invalid) and builds the
 * town context. An invalid file is reported once on `reportOn` (an issue number), with its
 * location and the fix.
 */
export async function townFor(
  runtime: AppRuntime,
  context: Context,
  options: { reportOn?: number } = {},
): Promise<EventTown> {
  const repo = repoOf(context);
  const octokit = clientOf(context);
  const log = loggerOf(context);
  const resolution = await resolveConfig({
    cache: runtime.configs,
    repo,
    load: () => loadConfig({ repo, read: createGitHubConfigReader(octokit) }),
    log,
  });
  const town: TownContext = {
    octokit,
    repo,
    taxonomy: toLabelTaxonomy(resolution.config.labels),
    log,
    ...(runtime.now === undefined ? {} : { now: runtime.now }),
  };
  if (resolution.problem && resolution.report && options.reportOn !== undefined) {
    const report = renderConfigProblem({
      error: resolution.problem,
      fallback: resolution.from === "last-good" ? "last-good" : "defaults",
    });
    await octokit.rest.issues.createComment({ ...repo, issue_number: options.reportOn, body: report.body });
  }
  return { town, config: resolution.config };
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
