// Rules for a branch: `GET /repos/{owner}/{repo}/rules/branches/{branch}` lists every active rule
// that applies to a branch name (it need not exist), each with the ruleset it comes from:
// `required_status_checks` from `sim.setRulesets`, `merge_queue` from `sim.enableMergeQueue`.
// Classic branch protection (`sim.requireChecks`) is not a ruleset and is not listed, as on GitHub.
import type { SimContext } from "../context.ts";
import { repoFor } from "../git-rest.ts";
import { paginate, type SimRequest, type SimResponse } from "../http.ts";
import { mergeQueueOf } from "../merge-queue.ts";
import type { Router } from "../router.ts";
import { rulesetsFor } from "../rulesets.ts";

function listBranchRules(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  const branch = req.params.branch ?? "";
  const source = { ruleset_source_type: "Repository", ruleset_source: `${repo.owner}/${repo.name}` };
  const rules: Record<string, unknown>[] = [];
  for (const ruleset of rulesetsFor(repo, branch)) {
    if (ruleset.requiredChecks.length === 0) continue;
    rules.push({
      type: "required_status_checks",
      parameters: {
        strict_required_status_checks_policy: ruleset.strict,
        do_not_enforce_on_create: false,
        required_status_checks: ruleset.requiredChecks.map((context) => ({ context })),
      },
      ...source,
      ruleset_id: ruleset.id,
    });
  }
  const queue = mergeQueueOf(repo, branch);
  if (queue) {
    rules.push({
      type: "merge_queue",
      parameters: {
        check_response_timeout_minutes: 60,
        grouping_strategy: "ALLGREEN",
        max_entries_to_build: queue.maxEntriesToBuild,
        max_entries_to_merge: 1,
        merge_method: queue.mergeMethod.toUpperCase(),
        min_entries_to_merge: 1,
        min_entries_to_merge_wait_minutes: 0,
      },
      ...source,
      ruleset_id: queue.rulesetId,
    });
  }
  return paginate(req, rules);
}

export function register(router: Router): void {
  router.get("/repos/{owner}/{repo}/rules/branches/{branch}", listBranchRules);
}
