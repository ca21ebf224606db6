// The deacon's patrol for the Actions runtime (no server to receive every event): dispatch the
// beads waiting for a polecat slot, and land the convoys whose beads have all closed. Both are
// reconciliations from live state, so a patrol after a missed event repairs what it missed.
import type { Logger as PinoLogger } from "pino";
import type { GitHubClient, RepoRef } from "../github/octokit.ts";
import type { TownContext } from "../town/context.ts";
import { checkConvoys } from "../town/convoy-landing.ts";
import { dispatchQueued } from "../town/sling.ts";
import { createGitHubConfigReader, loadConfig, toLabelTaxonomy, DEFAULT_CONFIG } from "./config/index.ts";
import { announceDispatches } from "./handlers/announce.ts";
import { slingSettingsOf } from "./runtime.ts";

export interface PatrolParams {
  octokit: unknown;
  repo: RepoRef;
  log: PinoLogger;
}

/** One patrol of one repository. */
export async function patrol(params: PatrolParams): Promise<void> {
  const octokit = params.octokit as GitHubClient;
  const { repo, log } = params;
  const loaded = await loadConfig({ repo, read: createGitHubConfigReader(octokit) });
  if (!loaded.ok) log.warn({ repo: `${repo.owner}/${repo.repo}` }, loaded.error.message);
  const config = loaded.ok ? loaded.value.config : DEFAULT_CONFIG;
  const town: TownContext = {
    octokit,
    repo,
    taxonomy: toLabelTaxonomy(config.labels),
    log: {
      debug: (fields, message) => log.debug(fields, message),
      info: (fields, message) => log.info(fields, message),
      warn: (fields, message) => log.warn(fields, message),
      error: (fields, message) => log.error(fields, message),
    },
  };
  const results = await dispatchQueued(town, { settings: slingSettingsOf(config) });
  await announceDispatches(town, results);
  const landed = await checkConvoys(town);
  log.info(
    { dispatched: results.filter((r) => r.outcome === "dispatched").length, convoys: landed.length },
    "patrol done",
  );
}
