// The deacon's patrol, run on a schedule (the Actions runtime's cron, or any scheduler calling
// it): what events would have done, reconciled from live state, so a missed or dropped event is
// repaired on the next patrol:
// 1. beads waiting for a polecat slot are dispatched (slots of finished runs freed first);
// 2. feeding convoys with nobody on them get their next ready bead slung;
// 3. convoys whose beads have all closed land (one notice, ever);
// 4. timer gates whose time has come open; other gates past their timeout are escalated once;
//    gates whose run succeeded, pull request merged or bead closed without an event open;
// 5. the refinery ticks: checks that finished without an event land or bisect their batch, a
//    build past its timeout counts as failed, marked pull requests enter.
// An invalid config is reported like an event would (the check run), and the patrol runs on the
// defaults meanwhile: it keeps no memory between runs to hold a last good config.
import type { Logger as PinoLogger } from "pino";
import type { GitHubClient, RepoRef } from "../github/octokit.ts";
import type { TownContext } from "../town/context.ts";
import { checkConvoys } from "../town/convoy-landing.ts";
import { feedAllConvoys } from "../town/convoy-feed.ts";
import { checkGates, repairGates } from "../town/gates.ts";
import { RefineryRuntime, tickRefinery } from "../town/refinery/index.ts";
import { dispatchQueued, type RepoHints } from "../town/sling.ts";
import { reportConfigProblem } from "./config-report.ts";
import {
  ConfigError,
  createGitHubConfigReader,
  DEFAULT_CONFIG,
  loadConfig,
  toLabelTaxonomy,
} from "./config/index.ts";
import { announceDispatches } from "./handlers/announce.ts";
import { refinerySettingsOf } from "./refinery-settings.ts";
import { headOf, slingSettingsOf } from "./runtime.ts";

export interface PatrolParams {
  octokit: unknown;
  repo: RepoRef;
  log: PinoLogger;
  now?: () => Date;
  /** The refinery's memory, when the patrol runs in a long-lived process. */
  refinery?: RefineryRuntime;
}

/** What one patrol did, for its log line and for tests. */
export interface PatrolReport {
  dispatched: number;
  fed: number;
  landed: number;
  gates: number;
  /** Pull requests the refinery merged on this patrol. */
  merged: number;
}

/** One patrol of one repository. */
export async function patrol(params: PatrolParams): Promise<PatrolReport> {
  const octokit = params.octokit as GitHubClient;
  const { repo, log } = params;
  const loaded = await loadConfig({ repo, read: createGitHubConfigReader(octokit) });
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
    ...(params.now === undefined ? {} : { now: params.now }),
  };
  const hints: RepoHints = {};
  if (!loaded.ok) {
    log.warn({ repo: `${repo.owner}/${repo.repo}` }, loaded.error.message);
  }
  if (!loaded.ok && loaded.error instanceof ConfigError) {
    await reportConfigProblem({
      town,
      resolution: { problem: loaded.error, from: "defaults", recovered: false },
      sha: () => headOf(town, hints),
    });
  }
  const settings = slingSettingsOf(config);
  const results = await dispatchQueued(town, { settings, hints });
  const fed = await feedAllConvoys(town, { settings, hints });
  await announceDispatches(town, [...results, ...fed.flatMap((f) => (f.sling ? [f.sling] : []))]);
  const landed = (await checkConvoys(town)).filter((check) => check.plan.action === "land");
  const gates = [
    ...(await checkGates(town, { event: { kind: "tick" }, overseers: config.overseers })),
    ...(await repairGates(town)),
  ];
  const refinery = await tickRefinery(town, {
    settings: refinerySettingsOf(config, settings),
    runtime: params.refinery ?? new RefineryRuntime(),
  }).catch((error: unknown) => {
    // A refinery that cannot work here (native mode without a merge queue, a damaged state) is
    // the maintainers' to fix; the rest of the patrol stands.
    log.warn({ error: error instanceof Error ? error.message : String(error) }, "refinery patrol failed");
    return null;
  });
  const report: PatrolReport = {
    dispatched: results.filter((r) => r.outcome === "dispatched").length,
    fed: fed.filter((f) => f.sling?.outcome === "dispatched").length,
    landed: landed.length,
    gates: gates.length,
    merged: refinery?.merged.length ?? 0,
  };
  log.info({ repo: `${repo.owner}/${repo.repo}`, ...report }, "patrol done");
  return report;
}
