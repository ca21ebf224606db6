// The one Octokit composition (DESIGN §5): REST methods and pagination, plus throttling (writes
// spaced as GitHub's secondary limits ask, one retry after a rate limit) and retry (server errors,
// for requests that are safe to repeat). The app gets the same from Probot's `context.octokit`;
// the CLI and the action build theirs here. Gateways take either.
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import { type Logger, silentLogger } from "../log.ts";
import type { LabelTaxonomy } from "../model/labels.ts";

const ComposedOctokit = Octokit.plugin(throttling, retry);

/**
 * The client every gateway takes: REST methods, `paginate` and `request`. Narrower than
 * `Octokit` so Probot's `context.octokit` (no legacy top-level methods) fits too.
 */
export type GitHubClient = Pick<Octokit, "rest" | "paginate" | "request">;

/** An owner/name pair; every gateway call is about one repository. */
export interface RepoRef {
  owner: string;
  repo: string;
}

/** What gateways take first: the client, the repository and (optionally) its label names. */
export interface GitHubContext {
  octokit: GitHubClient;
  repo: RepoRef;
  /** The repo's label names when configured; the defaults otherwise. */
  taxonomy?: LabelTaxonomy;
}

export interface CreateOctokitOptions {
  /** A token (installation, `GITHUB_TOKEN`, personal). Omitted: unauthenticated. */
  auth?: string;
  /** API root for GitHub Enterprise or the loopback GitHub; default `https://api.github.com`. */
  baseUrl?: string;
  log?: Logger;
  userAgent?: string;
  /**
   * Retries on server errors, for GET, PUT, PATCH and DELETE only (a repeated POST could create a
   * second issue or comment). `false` turns them off (tests). Default: 3 retries, 1 s base delay.
   */
  retry?: false | { retries?: number; baseDelayMs?: number };
  /**
   * Throttling: writes one at a time and spaced, and after a rate limit one retry once GitHub's
   * `retry-after` has passed. `false` turns it off (tests, the loopback GitHub).
   */
  throttle?: false | { retryAfterBaseMs?: number };
}

/** `owner/repo` → RepoRef; fails on anything else. */
export function parseRepoRef(fullName: string): RepoRef | null {
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(fullName.trim());
  return match ? { owner: match[1] as string, repo: match[2] as string } : null;
}

export function formatRepoRef(repo: RepoRef): string {
  return `${repo.owner}/${repo.repo}`;
}

/** Builds the town's Octokit. */
export function createOctokit(options: CreateOctokitOptions = {}): GitHubClient {
  const log = options.log ?? silentLogger;
  const retryOptions = options.retry;
  const throttleOptions = options.throttle;
  const octokit = new ComposedOctokit({
    ...(options.auth === undefined ? {} : { auth: options.auth }),
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl.replace(/\/+$/, "") }),
    userAgent: options.userAgent ?? "gastown-github",
    log: {
      // Octokit logs every request at info; that is debug detail for us.
      debug: (message: string) => log.debug({}, message),
      info: (message: string) => log.debug({}, message),
      warn: (message: string) => log.warn({}, message),
      error: (message: string) => log.error({}, message),
    },
    retry:
      retryOptions === false
        ? { enabled: false }
        : { retries: retryOptions?.retries ?? 3, retryAfterBaseValue: retryOptions?.baseDelayMs ?? 1000 },
    throttle:
      throttleOptions === false
        ? { enabled: false }
        : {
            retryAfterBaseValue: throttleOptions?.retryAfterBaseMs ?? 1000,
            onRateLimit: (retryAfter, request, _octokit, retryCount) => {
              log.warn(
                { method: request.method, url: request.url, retryAfter, retryCount },
                "GitHub rate limit reached",
              );
              return retryCount < 1;
            },
            onSecondaryRateLimit: (retryAfter, request, _octokit, retryCount) => {
              log.warn(
                { method: request.method, url: request.url, retryAfter, retryCount },
                "GitHub secondary rate limit reached",
              );
              return retryCount < 1;
            },
          },
  });
  // A POST is not safe to repeat after a server error: the first may have gone through.
  octokit.hook.before("request", (request) => {
    if (request.method === "POST" && request.request?.retries === undefined) {
      request.request = { ...request.request, retries: 0 };
    }
  });
  return octokit;
}
