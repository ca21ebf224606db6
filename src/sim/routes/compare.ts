// Compare two commits (`base...head`): how far head is ahead of and behind base, the commits it
// adds, and the files changed since the merge base — GitHub's three-dot comparison.
import type { SimContext } from "../context.ts";
import { type CommitInfo, mergeBase, readCommit, revList } from "../git.ts";
import { repoFor, resolveCommitish } from "../git-rest.ts";
import { HttpError, notFound, ok, paginate, type SimRequest, type SimResponse } from "../http.ts";
import type { Router } from "../router.ts";
import { commitShape, diffEntries, repoApiUrl, repoHtmlUrl } from "../shapes-git.ts";
import type { SimRepo } from "../state.ts";

/** Splits `base...head` (or `base..head`); a `owner:` prefix naming this repo's owner is dropped. */
function parseBasehead(repo: SimRepo, basehead: string): { base: string; head: string } {
  const match = /^(.+?)\.{2,3}(.+)$/.exec(basehead);
  if (!match) throw notFound();
  const strip = (side: string): string => {
    const colon = side.indexOf(":");
    if (colon === -1) return side;
    const owner = side.slice(0, colon);
    // Cross-fork comparisons would need the fork's repository; the sim has no forks.
    if (owner.toLowerCase() !== repo.owner.toLowerCase()) throw notFound();
    return side.slice(colon + 1);
  };
  return { base: strip(match[1] ?? ""), head: strip(match[2] ?? "") };
}

async function readAll(repo: SimRepo, shas: string[]): Promise<CommitInfo[]> {
  const commits = await Promise.all(shas.map((sha) => readCommit(repo.gitDir, sha)));
  return commits.filter((commit): commit is CommitInfo => commit !== undefined);
}

async function compareCommits(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "read");
  const basehead = req.params.basehead ?? "";
  const { base, head } = parseBasehead(repo, basehead);
  const [baseSha, headSha] = await Promise.all([resolveCommitish(repo, base), resolveCommitish(repo, head)]);
  if (!baseSha || !headSha) throw notFound();
  const baseOfBoth = await mergeBase(repo.gitDir, baseSha, headSha);
  if (!baseOfBoth) throw new HttpError(404, `No common ancestor between ${base} and ${head}.`);
  const [ahead, behind] = await Promise.all([
    revList(repo.gitDir, baseSha, headSha),
    revList(repo.gitDir, headSha, baseSha),
  ]);
  const status =
    ahead.length === 0 && behind.length === 0
      ? "identical"
      : behind.length === 0
        ? "ahead"
        : ahead.length === 0
          ? "behind"
          : "diverged";

  // GitHub answers up to 250 commits unpaginated, or one page when `page`/`per_page` is given.
  const paged = req.query.has("page") || req.query.has("per_page");
  const page = paged ? paginate(req, ahead) : undefined;
  const pageShas = page ? (page.body as string[]) : ahead.slice(-250);
  const [commits, baseCommit, mergeBaseCommit, files] = await Promise.all([
    readAll(repo, pageShas),
    readCommit(repo.gitDir, baseSha),
    readCommit(repo.gitDir, baseOfBoth),
    diffEntries({ baseUrl: sim.baseUrl, repo, from: baseOfBoth, to: headSha }),
  ]);
  if (!baseCommit || !mergeBaseCommit) throw notFound();

  const api = repoApiUrl(sim.baseUrl, repo);
  const html = repoHtmlUrl(sim.baseUrl, repo);
  const body = {
    url: `${api}/compare/${basehead}`,
    html_url: `${html}/compare/${basehead}`,
    permalink_url: `${html}/compare/${repo.owner}:${baseSha}...${repo.owner}:${headSha}`,
    diff_url: `${html}/compare/${basehead}.diff`,
    patch_url: `${html}/compare/${basehead}.patch`,
    base_commit: commitShape({ sim, repo, commit: baseCommit }),
    merge_base_commit: commitShape({ sim, repo, commit: mergeBaseCommit }),
    status,
    ahead_by: ahead.length,
    behind_by: behind.length,
    total_commits: ahead.length,
    commits: commits.map((commit) => commitShape({ sim, repo, commit })),
    files,
  };
  return ok(body, 200, page?.headers);
}

export function register(router: Router): void {
  router.get("/repos/{owner}/{repo}/compare/{basehead}", compareCommits);
}
