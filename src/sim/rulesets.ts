// Repository rulesets, as far as the sim models them: which status checks a branch requires (and
// whether PRs must be up to date), plus the `merge_queue` rule of every branch with a merge queue.
// `GET /repos/{owner}/{repo}/rules/branches/{branch}` reports them in GitHub's shapes; the merge
// queue refuses to enqueue a PR whose head has not passed its base's required checks.
import { branchMatches } from "./ci.ts";
import type { SimRepo, SimState } from "./state.ts";

/** What `sim.setRulesets` takes for one ruleset. */
export interface RulesetSpec {
  /** Shown as the rule's source; "ruleset <n>" when omitted. */
  name?: string;
  /**
   * Branches it targets: names or globs (`release/*`, `**`), `~DEFAULT_BRANCH` or `~ALL`, as the
   * ruleset's `conditions.ref_name.include`. Defaults to `["~DEFAULT_BRANCH"]`.
   */
  branches?: string[];
  /** A `required_status_checks` rule with these contexts. */
  requiredChecks?: string[];
  /** `strict_required_status_checks_policy`: PRs must be tested with the latest base. */
  strict?: boolean;
}

export interface SimRuleset {
  id: number;
  name: string;
  branches: string[];
  requiredChecks: string[];
  strict: boolean;
}

const rulesets = new WeakMap<SimRepo, SimRuleset[]>();

/** Replaces a repo's rulesets. */
export function setRulesets(state: SimState, repo: SimRepo, specs: readonly RulesetSpec[]): SimRuleset[] {
  const list = specs.map((spec, i) => ({
    id: state.nextId(),
    name: spec.name ?? `ruleset ${i + 1}`,
    branches: [...(spec.branches ?? ["~DEFAULT_BRANCH"])],
    requiredChecks: [...(spec.requiredChecks ?? [])],
    strict: spec.strict === true,
  }));
  rulesets.set(repo, list);
  return list;
}

/** Whether a ruleset's branch conditions include the branch. */
function targets(repo: SimRepo, ruleset: SimRuleset, branch: string): boolean {
  return ruleset.branches.some((pattern) => {
    if (pattern === "~ALL") return true;
    if (pattern === "~DEFAULT_BRANCH") return branch === repo.default_branch;
    return branchMatches([pattern.replace(/^refs\/heads\//, "")], branch);
  });
}

/** The rulesets that apply to a branch. */
export function rulesetsFor(repo: SimRepo, branch: string): SimRuleset[] {
  return (rulesets.get(repo) ?? []).filter((r) => targets(repo, r, branch));
}

/** Every status check the branch's rulesets require, once each. */
export function rulesetChecksFor(repo: SimRepo, branch: string): string[] {
  return [...new Set(rulesetsFor(repo, branch).flatMap((r) => r.requiredChecks))];
}
