// What every town use case takes: a gateway context (client, repository, label names) plus a
// clock and a logger, so tests can pin time and runtimes can route logs. The CLI, the app and the
// action each build one per repository and pass it down; no use case builds its own client.
import type { GitHubContext, RepoRef } from "../github/octokit.ts";
import { type Logger, silentLogger } from "../log.ts";
import { GastownError } from "../model/errors.ts";

/** The context of a town use case. It is a {@link GitHubContext}, so gateways take it as it is. */
export interface TownContext extends GitHubContext {
  /** The time decisions are made at; default the system clock. */
  now?: () => Date;
  log?: Logger;
}

/** The context's current time. */
export function nowOf(town: TownContext): Date {
  return town.now ? town.now() : new Date();
}

export function logOf(town: TownContext): Logger {
  return town.log ?? silentLogger;
}

/** The same client and settings pointed at another repository (a bead named `owner/repo#12`). */
export function forRepo(town: TownContext, repo: RepoRef): TownContext {
  return { ...town, repo };
}

/** The error for work on a closed bead that needs an open one. */
export function closedBeadError(number: number, doing: string): GastownError {
  return new GastownError(`Bead #${number} is closed, so it cannot ${doing}.`, {
    code: "conflict",
    hint: `Reopen it first (bd reopen ${number}), or pick an open bead (bd ready).`,
  });
}
