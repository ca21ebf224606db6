// The CLI's one boundary with its environment (STYLE: one boundary module per runtime): it reads
// the flags and variables that say which repository, which token and which API, and returns one
// object. Repository: `--repo`, else GASTOWN_REPO, else the `origin` remote of the working
// directory. Token: GITHUB_TOKEN, else GH_TOKEN, else `gh auth token`. API: `--api-url`, else
// GITHUB_API_URL (so the CLI runs unchanged against GitHub Enterprise or the loopback GitHub).
import { createOctokit, type GitHubClient, parseRepoRef, type RepoRef } from "../github/octokit.ts";
import type { Logger } from "../log.ts";
import type { BeadRef } from "../model/bead-ref.ts";
import { GastownError } from "../model/errors.ts";
import { forRepo, type TownContext } from "../town/context.ts";

export type Env = Readonly<Record<string, string | undefined>>;

/** How the CLI reaches outside itself; tests replace every part. */
export interface CliHost {
  env: Env;
  cwd: string;
  /**
   * `gh auth token` (with `--hostname` for a GitHub other than github.com), or undefined when gh
   * is missing or logged out of that host.
   */
  ghToken(hostname?: string): Promise<string | undefined>;
  /** The URL of the `origin` remote of `cwd`, or undefined. */
  gitRemote(cwd: string): Promise<string | undefined>;
  /** Builds the Octokit (tests turn retries and throttling off). */
  createClient?(options: { auth: string; baseUrl: string | undefined; log: Logger }): GitHubClient;
  now?: () => Date;
  log: Logger;
}

/** The global options every command accepts. */
export interface GlobalOptions {
  repo?: string;
  apiUrl?: string;
}

/** What a command runs against. */
export interface CliContext {
  repo: RepoRef;
  /** Where the repo came from, for messages. */
  repoSource: "--repo" | "GASTOWN_REPO" | "git remote";
  token: string;
  tokenSource: "GITHUB_TOKEN" | "GH_TOKEN" | "gh auth token";
  apiUrl: string | undefined;
  town: TownContext;
}

/** The rig's id prefix (`gt` accepts `gt-123`), from GASTOWN_PREFIX; any prefix when unset. */
export function prefixOf(host: CliHost): string | undefined {
  return host.env.GASTOWN_PREFIX?.trim() || undefined;
}

/** `owner/name` from a remote URL: https, ssh (`git@host:o/r.git`, `ssh://…`) or a loopback URL. */
export function repoFromRemote(url: string): RepoRef | null {
  const trimmed = url
    .trim()
    .replace(/\/+$/, "")
    .replace(/\.git$/, "");
  const scp = /^[^@/\s]+@[^:/\s]+:(?:\/?)([^/\s]+)\/([^/\s]+)$/.exec(trimmed);
  if (scp) return parseRepoRef(`${scp[1]}/${scp[2]}`);
  try {
    const parts = new URL(trimmed).pathname.split("/").filter(Boolean);
    if (parts.length < 2) return null;
    return parseRepoRef(`${parts.at(-2)}/${parts.at(-1)}`);
  } catch {
    return null;
  }
}

function badRepo(value: string, source: string): GastownError {
  return new GastownError(`${source} "${value}" is not a repository name.`, {
    code: "bad-input",
    hint: "Write it as owner/name, like acme/app.",
  });
}

async function resolveRepo(
  host: CliHost,
  options: GlobalOptions,
): Promise<Pick<CliContext, "repo" | "repoSource">> {
  if (options.repo !== undefined) {
    const repo = parseRepoRef(options.repo);
    if (!repo) throw badRepo(options.repo, "--repo");
    return { repo, repoSource: "--repo" };
  }
  const fromEnv = host.env.GASTOWN_REPO;
  if (fromEnv !== undefined && fromEnv.trim() !== "") {
    const repo = parseRepoRef(fromEnv);
    if (!repo) throw badRepo(fromEnv, "GASTOWN_REPO");
    return { repo, repoSource: "GASTOWN_REPO" };
  }
  const remote = await host.gitRemote(host.cwd);
  const repo = remote ? repoFromRemote(remote) : null;
  if (repo) return { repo, repoSource: "git remote" };
  throw new GastownError("No repository to work on.", {
    code: "bad-input",
    hint: "Pass --repo owner/name, set GASTOWN_REPO, or run inside a clone whose origin remote is on GitHub.",
  });
}

/** The host `gh` knows a GitHub by: none for github.com, the API's host for Enterprise. */
function ghHostname(apiUrl: string | undefined): string | undefined {
  if (apiUrl === undefined) return undefined;
  const host = new URL(apiUrl).host;
  return host === "api.github.com" || host === "github.com" ? undefined : host;
}

async function resolveToken(
  host: CliHost,
  apiUrl: string | undefined,
): Promise<Pick<CliContext, "token" | "tokenSource">> {
  for (const name of ["GITHUB_TOKEN", "GH_TOKEN"] as const) {
    const value = host.env[name]?.trim();
    if (value) return { token: value, tokenSource: name };
  }
  const hostname = ghHostname(apiUrl);
  const fromGh = (await host.ghToken(hostname))?.trim();
  if (fromGh) return { token: fromGh, tokenSource: "gh auth token" };
  throw new GastownError("No GitHub token found.", {
    code: "unauthorized",
    hint: "Set GITHUB_TOKEN (or GH_TOKEN) to a token with Issues and Contents access, or log in with `gh auth login`.",
  });
}

function resolveApiUrl(host: CliHost, options: GlobalOptions): string | undefined {
  const url = options.apiUrl ?? host.env.GITHUB_API_URL;
  if (url === undefined || url.trim() === "") return undefined;
  try {
    const parsed = new URL(url.trim());
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("not http");
  } catch {
    throw new GastownError(`"${url}" is not an API URL.`, {
      code: "bad-input",
      hint: "Give the API root, like https://github.example.com/api/v3.",
    });
  }
  return url.trim().replace(/\/+$/, "");
}

/** The loopback GitHub has no secondary limits; spacing writes there only slows tests and demos. */
function isLoopback(url: string | undefined): boolean {
  if (url === undefined) return false;
  const host = new URL(url).hostname;
  return host === "127.0.0.1" || host === "localhost" || host === "[::1]";
}

/** Resolves repository, token and API and builds the town context. */
export async function resolveContext(host: CliHost, options: GlobalOptions): Promise<CliContext> {
  const repo = await resolveRepo(host, options);
  const apiUrl = resolveApiUrl(host, options);
  const token = await resolveToken(host, apiUrl);
  const octokit = host.createClient
    ? host.createClient({ auth: token.token, baseUrl: apiUrl, log: host.log })
    : createOctokit({
        auth: token.token,
        ...(apiUrl === undefined ? {} : { baseUrl: apiUrl }),
        log: host.log,
        userAgent: "gastown-cli",
        ...(isLoopback(apiUrl) ? { throttle: false as const } : {}),
      });
  return {
    ...repo,
    ...token,
    apiUrl,
    town: {
      octokit,
      repo: repo.repo,
      log: host.log,
      ...(host.now === undefined ? {} : { now: host.now }),
    },
  };
}

/** A bead named on the command line, with the town of its repository. */
export interface TargetBead {
  town: TownContext;
  number: number;
}

/** The town for a parsed bead id: `owner/repo#12` and issue URLs point it at that repository. */
export function targetBead(context: CliContext, ref: BeadRef): TargetBead {
  const repo = ref.repo === undefined ? null : parseRepoRef(ref.repo);
  if (!repo) return { town: context.town, number: ref.number };
  const same =
    repo.owner.toLowerCase() === context.repo.owner.toLowerCase() &&
    repo.repo.toLowerCase() === context.repo.repo.toLowerCase();
  return { town: same ? context.town : forRepo(context.town, repo), number: ref.number };
}

/** Parsed bead ids that must all be in the context's repository, as numbers. */
export function localBeads(context: CliContext, refs: readonly BeadRef[]): number[] {
  return refs.map((ref) => {
    const target = targetBead(context, ref);
    if (target.town !== context.town) {
      throw new GastownError(
        `${ref.repo}#${ref.number} is in another repository; this command works within one.`,
        {
          code: "bad-input",
          hint: `Run it with --repo ${ref.repo}, or name beads of ${context.repo.owner}/${context.repo.repo}.`,
        },
      );
    }
    return target.number;
  });
}
