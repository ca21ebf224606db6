import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { enqueue, graphqlErrors, openPull } from "../helpers/merge-queue.ts";
import { type PullFixture, startPullFixture, statusOf } from "../helpers/pull-fixtures.ts";

describe("GET /repos/{owner}/{repo}/rules/branches/{branch}", () => {
  let fx: PullFixture;
  beforeEach(async () => {
    fx = await startPullFixture();
  });
  afterEach(async () => {
    await fx.stop();
  });

  const rulesFor = async (branch: string) =>
    (await fx.dev.rest.repos.getBranchRules({ owner: fx.owner, repo: fx.name, branch })).data;

  it("lists nothing for a branch no ruleset targets, classic protection included", async () => {
    fx.sim.requireChecks(fx.repo, ["ci/test"]);
    expect(await rulesFor("main")).toEqual([]);
  });

  it("lists required status checks and the merge queue, with the ruleset each comes from", async () => {
    const [ruleset] = fx.sim.setRulesets(fx.repo, [
      { name: "protect main", requiredChecks: ["ci/test", "lint"], strict: true },
    ]);
    const queue = fx.sim.enableMergeQueue(fx.repo, {
      checks: ["ci/test"],
      mergeMethod: "squash",
      maxEntriesToBuild: 2,
    });
    expect(await rulesFor("main")).toEqual([
      {
        type: "required_status_checks",
        parameters: {
          strict_required_status_checks_policy: true,
          do_not_enforce_on_create: false,
          required_status_checks: [{ context: "ci/test" }, { context: "lint" }],
        },
        ruleset_source_type: "Repository",
        ruleset_source: "acme/app",
        ruleset_id: ruleset?.id,
      },
      {
        type: "merge_queue",
        parameters: {
          check_response_timeout_minutes: 60,
          grouping_strategy: "ALLGREEN",
          max_entries_to_build: 2,
          max_entries_to_merge: 1,
          merge_method: "SQUASH",
          min_entries_to_merge: 1,
          min_entries_to_merge_wait_minutes: 0,
        },
        ruleset_source_type: "Repository",
        ruleset_source: "acme/app",
        ruleset_id: queue.rulesetId,
      },
    ]);
    expect(await rulesFor("feature")).toEqual([]);
  });

  it("matches rulesets by branch pattern, ~ALL and ~DEFAULT_BRANCH", async () => {
    fx.sim.setRulesets(fx.repo, [
      { name: "releases", branches: ["release/*"], requiredChecks: ["release-check"] },
      { name: "everything", branches: ["~ALL"], requiredChecks: ["dco"] },
    ]);
    const contexts = async (branch: string) =>
      (await rulesFor(branch)).flatMap((rule) =>
        rule.type === "required_status_checks"
          ? (rule.parameters?.required_status_checks.map((check) => check.context) ?? [])
          : [],
      );
    expect(await contexts("release/1.0")).toEqual(["release-check", "dco"]);
    expect(await contexts("main")).toEqual(["dco"]);
    expect(await contexts("release/1.0/hotfix")).toEqual(["dco"]);
  });

  it("answers 404 for a repo the caller cannot see", async () => {
    await fx.sim.createRepo({ owner: "acme", name: "secret", private: true });
    const refused = await statusOf(
      fx.dev.rest.repos.getBranchRules({ owner: "acme", repo: "secret", branch: "main" }),
    );
    expect(refused.status).toBe(404);
  });

  it("keeps a PR out of the merge queue until its head passes the ruleset's required checks", async () => {
    fx.sim.setRulesets(fx.repo, [{ requiredChecks: ["ci/test"] }]);
    fx.sim.enableMergeQueue(fx.repo, { checks: ["ci/test"] });
    const pull = await openPull(fx, { branch: "feature", files: { "f.txt": "f\n" } });
    expect(await graphqlErrors(enqueue(fx.dev, pull))).toMatchObject([
      {
        type: "UNPROCESSABLE",
        message: `Pull request #${pull.number} is not mergeable: Required status check "ci/test" is expected.`,
      },
    ]);
    await fx.app.rest.repos.createCommitStatus({
      owner: fx.owner,
      repo: fx.name,
      sha: pull.head,
      state: "success",
      context: "ci/test",
    });
    expect(await enqueue(fx.dev, pull)).toMatchObject({ position: 1 });
    await fx.sim.idle();
  });
});
