// The merges API: merge a branch or commit into a branch with a real merge commit. 201 with the
// commit, 204 when the base already contains the head, 409 on a conflict, 404 for a missing
// side. The base branch moves by compare-and-swap, so a concurrent push is never lost.
import type { SimContext } from "../context.ts";
import { commitTree, isAncestor, mergeBase, mergeTrees, readCommit, updateRef } from "../git.ts";
import {
  announceRefMove,
  branchHead,
  optionalString,
  repoFor,
  requiredChecksBlocker,
  requiredString,
  resolveCommitish,
} from "../git-rest.ts";
import { bodyObject, noContent, ok, type SimRequest, type SimResponse } from "../http.ts";
import type { Router } from "../router.ts";
import { commitShape, diffEntries, identityOf, repoApiUrl } from "../shapes-git.ts";

const CAS_ATTEMPTS = 20;

/**
 * GitHub's description documents this endpoint's 404 and 409 without a body, so the sim answers
 * them bare; the reason travels in a header for whoever debugs a test.
 */
function bare(status: number, reason: string): SimResponse {
  return { status, headers: { "x-sim-reason": reason.replace(/[^\x20-\x7e]/g, "?") } };
}

async function merge(req: SimRequest, sim: SimContext): Promise<SimResponse> {
  const repo = repoFor(req, sim, "write");
  const body = bodyObject(req);
  const base = requiredString(body, "base");
  const head = requiredString(body, "head");
  const message = optionalString(body, "commit_message") ?? `Merge ${head} into ${base}`;
  const identity = identityOf(sim.state, req.principal.login);

  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt += 1) {
    const baseSha = await branchHead(repo, base);
    if (!baseSha) return bare(404, "Base does not exist");
    const headSha = await resolveCommitish(repo, head);
    if (!headSha) return bare(404, "Head does not exist");
    if (await isAncestor(repo.gitDir, headSha, baseSha)) return noContent();
    if (!(await mergeBase(repo.gitDir, baseSha, headSha)))
      return bare(409, "Merge conflict: no common history");
    // As with a pull request merge, the head's checks must have passed to enter a protected base.
    const blocked = requiredChecksBlocker({ repo, branch: base, sha: headSha, principal: req.principal });
    if (blocked) return bare(409, `Protected branch update failed: ${blocked}`);
    const merged = await mergeTrees(repo.gitDir, baseSha, headSha);
    if (!merged.clean) return bare(409, "Merge conflict");
    // GitHub's merges API always writes a merge commit, even when a fast-forward was possible.
    const sha = await commitTree({
      gitDir: repo.gitDir,
      tree: merged.tree,
      parents: [baseSha, headSha],
      message,
      author: { ...identity, date: new Date().toISOString() },
    });
    const moved = await updateRef({ gitDir: repo.gitDir, ref: `refs/heads/${base}`, sha, expected: baseSha });
    if (!moved.ok) continue;
    await announceRefMove(sim, {
      repo,
      ref: `refs/heads/${base}`,
      before: baseSha,
      after: sha,
      principal: req.principal,
    });
    const commit = await readCommit(repo.gitDir, sha);
    if (!commit) throw new Error(`merge commit ${sha} vanished right after it was written`);
    const files = await diffEntries({ baseUrl: sim.baseUrl, repo, from: baseSha, to: sha });
    return ok(commitShape({ sim, repo, commit, files }), 201, {
      location: `${repoApiUrl(sim.baseUrl, repo)}/commits/${sha}`,
    });
  }
  return bare(409, `Branch ${base} kept moving while merging ${head}; try again.`);
}

export function register(router: Router): void {
  router.post("/repos/{owner}/{repo}/merges", merge);
}
