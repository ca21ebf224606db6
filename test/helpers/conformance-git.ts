// Conformance scenarios for the git side and beyond: contents, git data and refs, branches,
// commits and compare, merges, pulls and reviews, checks, statuses, Actions and webhooks.
import { expect } from "vitest";
import { b64, branchWithCommit, newIssue, owner, p, R, type Scenario } from "./conformance-town.ts";

export const gitScenarios: Scenario[] = [
  {
    name: "contents: reads a file and a directory, writes, updates and deletes a file",
    needs: [`GET ${R}/contents/{path}`, `PUT ${R}/contents/{path}`, `DELETE ${R}/contents/{path}`],
    async run(t) {
      await t.app.rest.repos.getContent({ ...p, path: "README.md", ref: "main" });
      await t.app.rest.repos.getContent({ ...p, path: "docs" });
      const created = await t.dev.rest.repos.createOrUpdateFileContents({
        ...p,
        path: "notes/plan.md",
        message: "Add the plan",
        content: b64("plan\n"),
        branch: "main",
      });
      const updated = await t.dev.rest.repos.createOrUpdateFileContents({
        ...p,
        path: "notes/plan.md",
        message: "Revise the plan",
        content: b64("plan, revised\n"),
        sha: created.data.content?.sha ?? "",
      });
      await t.dev.rest.repos.deleteFile({
        ...p,
        path: "notes/plan.md",
        message: "Drop the plan",
        sha: updated.data.content?.sha ?? "",
      });
    },
  },
  {
    name: "git data and refs: writes a blob, tree, commit and tag, and moves a ref through its life",
    needs: [
      `POST ${R}/git/blobs`,
      `GET ${R}/git/blobs/{file_sha}`,
      `POST ${R}/git/trees`,
      `GET ${R}/git/trees/{tree_sha}`,
      `POST ${R}/git/commits`,
      `GET ${R}/git/commits/{commit_sha}`,
      `POST ${R}/git/tags`,
      `GET ${R}/git/tags/{tag_sha}`,
      `POST ${R}/git/refs`,
      `GET ${R}/git/ref/{ref}`,
      `GET ${R}/git/matching-refs/{ref}`,
      `PATCH ${R}/git/refs/{ref}`,
      `DELETE ${R}/git/refs/{ref}`,
    ],
    async run(t) {
      const blob = await t.dev.rest.git.createBlob({ ...p, content: "hello\n", encoding: "utf-8" });
      await t.dev.rest.git.getBlob({ ...p, file_sha: blob.data.sha });
      const base = await t.dev.rest.git.getCommit({ ...p, commit_sha: t.main });
      const tree = await t.dev.rest.git.createTree({
        ...p,
        base_tree: base.data.tree.sha,
        tree: [{ path: "hello.txt", mode: "100644", type: "blob", sha: blob.data.sha }],
      });
      await t.dev.rest.git.getTree({ ...p, tree_sha: tree.data.sha, recursive: "1" });
      const commit = await t.dev.rest.git.createCommit({
        ...p,
        message: "Say hello",
        tree: tree.data.sha,
        parents: [t.main],
        author: { name: "Dev", email: "dev@example.com", date: "2025-01-02T03:04:05Z" },
      });
      const tag = await t.dev.rest.git.createTag({
        ...p,
        tag: "v0.1.0",
        message: "First",
        object: commit.data.sha,
        type: "commit",
        tagger: { name: "Dev", email: "dev@example.com", date: "2025-01-02T03:04:05Z" },
      });
      await t.dev.rest.git.getTag({ ...p, tag_sha: tag.data.sha });
      await t.dev.rest.git.createRef({ ...p, ref: "refs/heads/scratch", sha: commit.data.sha });
      await t.dev.rest.git.getRef({ ...p, ref: "heads/scratch" });
      await t.dev.rest.git.listMatchingRefs({ ...p, ref: "heads/" });
      await t.dev.rest.git.updateRef({ ...p, ref: "heads/scratch", sha: t.main, force: true });
      await t.dev.rest.git.deleteRef({ ...p, ref: "heads/scratch" });
    },
  },
  {
    name: "branches and commits: lists and reads branches and commits, compares and protects main",
    needs: [
      `GET ${R}/branches`,
      `GET ${R}/branches/{branch}`,
      `PUT ${R}/branches/{branch}/protection`,
      `GET ${R}/branches/{branch}/protection`,
      `DELETE ${R}/branches/{branch}/protection`,
      `GET ${R}/commits`,
      `GET ${R}/commits/{ref}`,
      `GET ${R}/compare/{basehead}`,
      `POST ${R}/git/refs`,
      `PUT ${R}/contents/{path}`,
    ],
    async run(t) {
      const head = await branchWithCommit(t, "compare-me", "compare.txt");
      await t.app.rest.repos.listBranches({ ...p, per_page: 100 });
      await t.app.rest.repos.getBranch({ ...p, branch: "main" });
      await t.app.rest.repos.listCommits({ ...p, sha: "compare-me", per_page: 100 });
      await t.app.rest.repos.getCommit({ ...p, ref: head });
      await t.app.rest.repos.compareCommitsWithBasehead({ ...p, basehead: `main...compare-me` });
      await t.admin.rest.repos.updateBranchProtection({
        ...p,
        branch: "main",
        required_status_checks: { strict: false, contexts: ["ci/test"] },
        enforce_admins: null,
        required_pull_request_reviews: null,
        restrictions: null,
      });
      await t.admin.rest.repos.getBranchProtection({ ...p, branch: "main" });
      await t.admin.rest.repos.deleteBranchProtection({ ...p, branch: "main" });
    },
  },
  {
    name: "rules: lists the rules for a branch (a ruleset's required checks, its merge queue)",
    needs: [`GET ${R}/rules/branches/{branch}`],
    async run(t) {
      // A branch of its own, so main keeps taking REST merges in the other scenarios.
      t.sim.setRulesets(t.record, [{ name: "queued", branches: ["queued"], requiredChecks: ["ci/test"] }]);
      t.sim.enableMergeQueue(t.record, { branch: "queued", checks: ["ci/test"] });
      const { data } = await t.app.rest.repos.getBranchRules({ ...p, branch: "queued", per_page: 100 });
      expect(data.map((rule) => rule.type)).toEqual(["required_status_checks", "merge_queue"]);
      await t.app.rest.repos.getBranchRules({ ...p, branch: "main" });
    },
  },
  {
    name: "merges: merges one branch into another",
    needs: [`POST ${R}/merges`, `POST ${R}/git/refs`, `PUT ${R}/contents/{path}`],
    async run(t) {
      await branchWithCommit(t, "to-merge", "merge.txt");
      await t.dev.rest.git.createRef({ ...p, ref: "refs/heads/integration", sha: t.main });
      await t.dev.rest.repos.merge({
        ...p,
        base: "integration",
        head: "to-merge",
        commit_message: "Merge it",
      });
    },
  },
  {
    name: "pulls and reviews: opens, reads, lists, edits, reviews, updates and merges a pull request",
    needs: [
      `POST ${R}/pulls`,
      `GET ${R}/pulls`,
      `GET ${R}/pulls/{pull_number}`,
      `PATCH ${R}/pulls/{pull_number}`,
      `GET ${R}/pulls/{pull_number}/commits`,
      `GET ${R}/pulls/{pull_number}/files`,
      `GET ${R}/pulls/{pull_number}/merge`,
      `PUT ${R}/pulls/{pull_number}/merge`,
      `PUT ${R}/pulls/{pull_number}/update-branch`,
      `POST ${R}/pulls/{pull_number}/reviews`,
      `GET ${R}/pulls/{pull_number}/reviews`,
      `GET ${R}/pulls/{pull_number}/reviews/{review_id}`,
      `PUT ${R}/pulls/{pull_number}/reviews/{review_id}`,
      `POST ${R}/pulls/{pull_number}/reviews/{review_id}/events`,
      `PUT ${R}/pulls/{pull_number}/reviews/{review_id}/dismissals`,
      `DELETE ${R}/pulls/{pull_number}/reviews/{review_id}`,
      `POST ${R}/git/refs`,
      `PUT ${R}/contents/{path}`,
    ],
    async run(t) {
      await branchWithCommit(t, "feat/pr", "feature.txt");
      const issue = await newIssue(t, "the feature");
      const { data: pr } = await t.dev.rest.pulls.create({
        ...p,
        head: "feat/pr",
        base: "main",
        title: "Add the feature",
        body: `Closes #${issue.number}`,
      });
      const at = { ...p, pull_number: pr.number };
      await t.app.rest.pulls.get(at);
      await t.app.rest.pulls.list({
        ...p,
        state: "all",
        head: `${owner}:feat/pr`,
        base: "main",
        per_page: 100,
      });
      await t.dev.rest.pulls.update({ ...at, title: "Add the feature, properly" });
      await t.app.rest.pulls.listCommits({ ...at, per_page: 100 });
      await t.app.rest.pulls.listFiles({ ...at, per_page: 100 });
      await expect(t.app.rest.pulls.checkIfMerged(at)).rejects.toMatchObject({ status: 404 });

      const pending = await t.admin.rest.pulls.createReview({ ...at, body: "First look" });
      await t.admin.rest.pulls.getReview({ ...at, review_id: pending.data.id });
      await t.admin.rest.pulls.updateReview({
        ...at,
        review_id: pending.data.id,
        body: "First look, edited",
      });
      await t.admin.rest.pulls.submitReview({
        ...at,
        review_id: pending.data.id,
        event: "COMMENT",
        body: "Noted",
      });
      const draft = await t.admin.rest.pulls.createReview({ ...at, body: "Never mind" });
      await t.admin.rest.pulls.deletePendingReview({ ...at, review_id: draft.data.id });
      const approval = await t.admin.rest.pulls.createReview({ ...at, event: "APPROVE", body: "Ship it" });
      await t.admin.rest.pulls.dismissReview({
        ...at,
        review_id: approval.data.id,
        message: "Stale",
        event: "DISMISS",
      });
      await t.admin.rest.pulls.createReview({ ...at, event: "APPROVE", body: "Ship it again" });
      await t.app.rest.pulls.listReviews({ ...at, per_page: 100 });

      await t.admin.rest.repos.createOrUpdateFileContents({
        ...p,
        path: "base-moved.txt",
        message: "Move main ahead",
        content: b64("ahead\n"),
        branch: "main",
      });
      const before = await t.app.rest.pulls.get(at);
      await t.dev.rest.pulls.updateBranch({ ...at, expected_head_sha: before.data.head.sha });
      await t.sim.idle();
      const head = await t.app.rest.pulls.get(at);
      await t.admin.rest.pulls.merge({ ...at, merge_method: "squash", sha: head.data.head.sha });
      await t.app.rest.pulls.checkIfMerged(at);
    },
  },
  {
    name: "checks: creates, reads, completes, lists and re-requests a check run and its suite",
    needs: [
      `POST ${R}/check-runs`,
      `GET ${R}/check-runs/{check_run_id}`,
      `PATCH ${R}/check-runs/{check_run_id}`,
      `POST ${R}/check-runs/{check_run_id}/rerequest`,
      `GET ${R}/commits/{ref}/check-runs`,
      `GET ${R}/commits/{ref}/check-suites`,
      `GET ${R}/check-suites/{check_suite_id}`,
      `GET ${R}/check-suites/{check_suite_id}/check-runs`,
    ],
    async run(t) {
      const { data: run } = await t.app.rest.checks.create({
        ...p,
        name: "ci/test",
        head_sha: t.main,
        status: "in_progress",
        started_at: "2025-01-02T03:04:05Z",
        external_id: "run-1",
      });
      await t.app.rest.checks.get({ ...p, check_run_id: run.id });
      await t.app.rest.checks.update({
        ...p,
        check_run_id: run.id,
        status: "completed",
        conclusion: "success",
        completed_at: "2025-01-02T03:05:05Z",
        output: { title: "All green", summary: "12 tests passed" },
      });
      await t.app.rest.checks.listForRef({ ...p, ref: t.main, check_name: "ci/test", per_page: 100 });
      const suites = await t.app.rest.checks.listSuitesForRef({ ...p, ref: t.main, per_page: 100 });
      const suite = suites.data.check_suites[0];
      expect(suite).toBeDefined();
      await t.app.rest.checks.getSuite({ ...p, check_suite_id: suite?.id ?? 0 });
      await t.app.rest.checks.listForSuite({ ...p, check_suite_id: suite?.id ?? 0, per_page: 100 });
      await t.app.rest.checks.rerequestRun({ ...p, check_run_id: run.id });
    },
  },
  {
    name: "statuses: sets a commit status and reads the list and the combined status",
    needs: [`POST ${R}/statuses/{sha}`, `GET ${R}/commits/{ref}/statuses`, `GET ${R}/commits/{ref}/status`],
    async run(t) {
      await t.app.rest.repos.createCommitStatus({
        ...p,
        sha: t.main,
        state: "success",
        context: "ci/lint",
        description: "Lint passed",
        target_url: `${t.sim.url}/acme/town/actions`,
      });
      await t.app.rest.repos.listCommitStatusesForRef({ ...p, ref: "main", per_page: 100 });
      await t.app.rest.repos.getCombinedStatusForRef({ ...p, ref: "main", per_page: 100 });
    },
  },
  {
    name: "actions: lists, toggles and dispatches a workflow, then reads, re-runs and cancels its runs and jobs",
    needs: [
      `GET ${R}/actions/workflows`,
      `GET ${R}/actions/workflows/{workflow_id}`,
      `PUT ${R}/actions/workflows/{workflow_id}/disable`,
      `PUT ${R}/actions/workflows/{workflow_id}/enable`,
      `POST ${R}/actions/workflows/{workflow_id}/dispatches`,
      `GET ${R}/actions/workflows/{workflow_id}/runs`,
      `GET ${R}/actions/runs`,
      `GET ${R}/actions/runs/{run_id}`,
      `POST ${R}/actions/runs/{run_id}/rerun`,
      `POST ${R}/actions/runs/{run_id}/cancel`,
      `POST ${R}/actions/runs/{run_id}/force-cancel`,
      `GET ${R}/actions/runs/{run_id}/jobs`,
      `GET ${R}/actions/jobs/{job_id}`,
    ],
    async run(t) {
      const quick = t.sim.registerWorkflow(t.record, {
        path: "polecat.yml",
        name: "Polecat",
        command: [process.execPath, "-e", "console.log('slung')"],
      });
      t.sim.registerWorkflow(t.record, {
        path: "slow.yml",
        command: [process.execPath, "-e", "setTimeout(() => {}, 30000)"],
      });
      await t.app.rest.actions.listRepoWorkflows({ ...p, per_page: 100 });
      await t.app.rest.actions.getWorkflow({ ...p, workflow_id: "polecat.yml" });
      await t.admin.rest.actions.disableWorkflow({ ...p, workflow_id: quick.id });
      await t.admin.rest.actions.enableWorkflow({ ...p, workflow_id: quick.id });
      const dispatches = `POST ${R}/actions/workflows/{workflow_id}/dispatches` as const;
      await t.app.request(dispatches, {
        ...p,
        workflow_id: "polecat.yml",
        ref: "main",
        inputs: { bead: "12" },
      });
      const { data: details } = await t.app.request(dispatches, {
        ...p,
        workflow_id: "polecat.yml",
        ref: "main",
        inputs: { bead: "13" },
        return_run_details: true,
      });
      await t.sim.idle();
      const runs = await t.app.rest.actions.listWorkflowRuns({
        ...p,
        workflow_id: "polecat.yml",
        per_page: 100,
      });
      await t.app.rest.actions.listWorkflowRunsForRepo({
        ...p,
        event: "workflow_dispatch",
        status: "completed",
        branch: "main",
        per_page: 100,
      });
      const runId =
        (details as { workflow_run_id?: number }).workflow_run_id ?? runs.data.workflow_runs[0]?.id ?? 0;
      await t.app.rest.actions.getWorkflowRun({ ...p, run_id: runId });
      const jobs = await t.app.rest.actions.listJobsForWorkflowRun({ ...p, run_id: runId, filter: "latest" });
      await t.app.rest.actions.getJobForWorkflowRun({ ...p, job_id: jobs.data.jobs[0]?.id ?? 0 });
      await t.app.rest.actions.reRunWorkflow({ ...p, run_id: runId });
      const { data: slow } = await t.app.request(dispatches, {
        ...p,
        workflow_id: "slow.yml",
        ref: "main",
        return_run_details: true,
      });
      const slowId = (slow as { workflow_run_id?: number }).workflow_run_id ?? 0;
      await t.app.rest.actions.cancelWorkflowRun({ ...p, run_id: slowId });
      await t.app.rest.actions.forceCancelWorkflowRun({ ...p, run_id: slowId }).catch((error: unknown) => {
        // A run the cancel already ended answers 409, as on GitHub.
        expect(error).toMatchObject({ status: 409 });
      });
      await t.sim.idle();
    },
  },
  {
    name: "hooks: creates, reads, edits and pings a webhook, reads and redelivers its deliveries",
    needs: [
      `POST ${R}/hooks`,
      `GET ${R}/hooks`,
      `GET ${R}/hooks/{hook_id}`,
      `PATCH ${R}/hooks/{hook_id}`,
      `DELETE ${R}/hooks/{hook_id}`,
      `GET ${R}/hooks/{hook_id}/config`,
      `PATCH ${R}/hooks/{hook_id}/config`,
      `GET ${R}/hooks/{hook_id}/deliveries`,
      `GET ${R}/hooks/{hook_id}/deliveries/{delivery_id}`,
      `POST ${R}/hooks/{hook_id}/deliveries/{delivery_id}/attempts`,
      `POST ${R}/hooks/{hook_id}/pings`,
    ],
    async run(t) {
      const { data: hook } = await t.admin.rest.repos.createWebhook({
        ...p,
        name: "web",
        config: { url: t.receiver, content_type: "json", secret: "s3cret" },
        events: ["issues"],
        active: true,
      });
      const at = { ...p, hook_id: hook.id };
      await t.admin.rest.repos.listWebhooks({ ...p, per_page: 100 });
      await t.admin.rest.repos.getWebhook(at);
      await t.admin.rest.repos.updateWebhook({ ...at, events: ["issues", "issue_comment"], active: true });
      await t.admin.rest.repos.getWebhookConfigForRepo(at);
      await t.admin.rest.repos.updateWebhookConfigForRepo({ ...at, content_type: "json" });
      await t.admin.rest.repos.pingWebhook(at);
      await newIssue(t, "delivered");
      await t.sim.idle();
      const { data: deliveries } = await t.admin.rest.repos.listWebhookDeliveries({ ...at, per_page: 100 });
      const delivery = deliveries[0];
      expect(delivery).toBeDefined();
      await t.admin.rest.repos.getWebhookDelivery({ ...at, delivery_id: delivery?.id ?? 0 });
      await t.admin.rest.repos.redeliverWebhookDelivery({ ...at, delivery_id: delivery?.id ?? 0 });
      await t.sim.idle();
      await t.admin.rest.repos.deleteWebhook(at);
    },
  },
];
