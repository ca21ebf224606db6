// Conformance of the loopback GitHub to GitHub's published description: every route it serves is
// one of GitHub's operations, and a representative exchange per resource group, made with the
// real Octokit, passes the contract (request, status, body, pagination, emitted events). The last
// test proves every served operation was exercised here, so a new route needs a scenario.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Octokit } from "@octokit/rest";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  ContractError,
  findOperation,
  loadGithubDescription,
  templateShape,
} from "../../src/sim/contract.ts";
import type { SimRepo } from "../../src/sim/index.ts";
import { createRouter } from "../../src/sim/routes/index.ts";
import { startTestSim, type TestSim } from "../helpers/sim.ts";

const spec = loadGithubDescription();
const served = createRouter().list();
const servedShapes = new Set(served.map((r) => `${r.method} ${templateShape(r.template)}`));
/** Whether the sim serves `METHOD /template` (parameter names may differ). */
const serves = (route: string): boolean => {
  const [method = "", template = ""] = route.split(" ");
  return servedShapes.has(`${method} ${templateShape(template)}`);
};

describe("the routes the sim serves", () => {
  it.each(served.map((r) => [`${r.method} ${r.template}`, r] as const))(
    "%s is an operation in GitHub's description",
    (_name, route) => {
      expect(
        findOperation(spec, route.method, route.template),
        "missing from src/sim/openapi/github.trimmed.json: run `npm run openapi:trim`; if the script reports it " +
          "missing from GitHub's description, the sim must not serve it",
      ).toBeDefined();
    },
  );

  it("are all the trimmed description holds (it is regenerated when routes change)", () => {
    const stale = Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .map((method) => `${method.toUpperCase()} ${path}`)
        .filter((route) => !serves(route)),
    );
    expect(stale, "run `npm run openapi:trim` to drop operations the sim no longer serves").toEqual([]);
  });
});

interface Town {
  sim: TestSim;
  record: SimRepo;
  /** A webhook receiver on loopback that answers 200. */
  receiver: string;
  /** The repo owner (admin). */
  admin: Octokit;
  /** A collaborator with write access. */
  dev: Octokit;
  /** The app's installation. */
  app: Octokit;
  main: string;
}

interface Scenario {
  name: string;
  /** GitHub operations it calls; it runs once the sim serves them all. */
  needs: string[];
  run(t: Town): Promise<void>;
}

const owner = "acme";
const repo = "town";
const p = { owner, repo } as const;
const R = "/repos/{owner}/{repo}";
const b64 = (text: string): string => Buffer.from(text).toString("base64");
/** Octokit logs every 4xx; the ones these tests provoke are expected. */
const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

async function newIssue(t: Town, title: string): Promise<{ number: number; id: number }> {
  const { data } = await t.app.rest.issues.create({ ...p, title });
  return data;
}

/** Makes `branch` from main with one commit changing `path`, through the REST API. */
async function branchWithCommit(t: Town, branch: string, path: string): Promise<string> {
  await t.dev.rest.git.createRef({ ...p, ref: `refs/heads/${branch}`, sha: t.main });
  const { data } = await t.dev.rest.repos.createOrUpdateFileContents({
    ...p,
    path,
    branch,
    message: `Add ${path}`,
    content: b64(`${path}\n`),
  });
  return data.commit.sha ?? "";
}

const scenarios: Scenario[] = [
  {
    name: "repos: reads the repo, the caller, a user and the installation's repos",
    needs: [
      "GET /repos/{owner}/{repo}",
      "GET /user",
      "GET /users/{username}",
      "GET /installation/repositories",
    ],
    async run(t) {
      await t.app.rest.repos.get(p);
      await t.admin.rest.users.getAuthenticated();
      await t.app.rest.users.getByUsername({ username: "dev" });
      await t.app.rest.apps.listReposAccessibleToInstallation({ per_page: 100 });
    },
  },
  {
    name: "issues: creates, reads, updates and lists with filters across pages",
    needs: [
      `POST ${R}/issues`,
      `GET ${R}/issues/{issue_number}`,
      `PATCH ${R}/issues/{issue_number}`,
      `GET ${R}/issues`,
    ],
    async run(t) {
      const { data } = await t.app.rest.issues.create({
        ...p,
        title: "Bead",
        body: "Do it",
        labels: ["bug"],
      });
      await t.app.rest.issues.get({ ...p, issue_number: data.number });
      await t.app.rest.issues.update({
        ...p,
        issue_number: data.number,
        state: "closed",
        state_reason: "completed",
      });
      for (const title of ["two", "three", "four"]) await newIssue(t, title);
      const all = await t.app.paginate(t.app.rest.issues.listForRepo, {
        ...p,
        state: "all",
        sort: "created",
        direction: "asc",
        since: "2020-01-01T00:00:00Z",
        per_page: 2,
      });
      expect(all.length).toBeGreaterThanOrEqual(4);
      await t.app.rest.issues.listForRepo({ ...p, labels: "bug", state: "closed", assignee: "none" });
    },
  },
  {
    name: "assignees: lists and checks assignees, and assigns and unassigns an issue",
    needs: [
      `GET ${R}/assignees`,
      `GET ${R}/assignees/{assignee}`,
      `POST ${R}/issues/{issue_number}/assignees`,
      `DELETE ${R}/issues/{issue_number}/assignees`,
    ],
    async run(t) {
      const { number } = await newIssue(t, "to assign");
      await t.app.rest.issues.listAssignees({ ...p, per_page: 100 });
      await t.app.rest.issues.checkUserCanBeAssigned({ ...p, assignee: "dev" });
      await t.app.rest.issues.addAssignees({ ...p, issue_number: number, assignees: ["dev"] });
      await t.app.rest.issues.removeAssignees({ ...p, issue_number: number, assignees: ["dev"] });
    },
  },
  {
    name: "labels: manages repo labels and the labels on an issue",
    needs: [
      `POST ${R}/labels`,
      `GET ${R}/labels`,
      `GET ${R}/labels/{name}`,
      `PATCH ${R}/labels/{name}`,
      `DELETE ${R}/labels/{name}`,
      `POST ${R}/issues/{issue_number}/labels`,
      `PUT ${R}/issues/{issue_number}/labels`,
      `GET ${R}/issues/{issue_number}/labels`,
      `DELETE ${R}/issues/{issue_number}/labels/{name}`,
      `DELETE ${R}/issues/{issue_number}/labels`,
    ],
    async run(t) {
      await t.app.rest.issues.createLabel({
        ...p,
        name: "ready",
        color: "0e8a16",
        description: "Ready to sling",
      });
      await t.app.rest.issues.listLabelsForRepo({ ...p, per_page: 100 });
      await t.app.rest.issues.getLabel({ ...p, name: "ready" });
      await t.app.rest.issues.updateLabel({ ...p, name: "ready", new_name: "ready-now", color: "1d76db" });
      const { number } = await newIssue(t, "to label");
      await t.app.rest.issues.addLabels({ ...p, issue_number: number, labels: ["ready-now", "fresh"] });
      await t.app.rest.issues.setLabels({ ...p, issue_number: number, labels: ["ready-now", "fresh"] });
      await t.app.rest.issues.listLabelsOnIssue({ ...p, issue_number: number });
      await t.app.rest.issues.removeLabel({ ...p, issue_number: number, name: "fresh" });
      await t.app.rest.issues.removeAllLabels({ ...p, issue_number: number });
      await t.app.rest.issues.deleteLabel({ ...p, name: "ready-now" });
    },
  },
  {
    name: "milestones: creates, lists, reads, closes and deletes a milestone",
    needs: [
      `POST ${R}/milestones`,
      `GET ${R}/milestones`,
      `GET ${R}/milestones/{milestone_number}`,
      `PATCH ${R}/milestones/{milestone_number}`,
      `DELETE ${R}/milestones/{milestone_number}`,
    ],
    async run(t) {
      const { data } = await t.app.rest.issues.createMilestone({
        ...p,
        title: "Convoy 1",
        description: "First convoy",
        due_on: "2030-01-01T00:00:00Z",
      });
      const { number } = await newIssue(t, "in the convoy");
      await t.app.rest.issues.update({ ...p, issue_number: number, milestone: data.number });
      await t.app.rest.issues.listMilestones({ ...p, state: "all", sort: "due_on", direction: "asc" });
      await t.app.rest.issues.getMilestone({ ...p, milestone_number: data.number });
      await t.app.rest.issues.updateMilestone({ ...p, milestone_number: data.number, state: "closed" });
      await t.app.rest.issues.deleteMilestone({ ...p, milestone_number: data.number });
    },
  },
  {
    name: "comments: writes, lists, reads, edits and deletes issue comments",
    needs: [
      `POST ${R}/issues/{issue_number}/comments`,
      `GET ${R}/issues/{issue_number}/comments`,
      `GET ${R}/issues/comments`,
      `GET ${R}/issues/comments/{comment_id}`,
      `PATCH ${R}/issues/comments/{comment_id}`,
      `DELETE ${R}/issues/comments/{comment_id}`,
    ],
    async run(t) {
      const { number } = await newIssue(t, "to discuss");
      const { data } = await t.app.rest.issues.createComment({
        ...p,
        issue_number: number,
        body: "Mail for you",
      });
      await t.app.rest.issues.listComments({ ...p, issue_number: number, since: "2020-01-01T00:00:00Z" });
      await t.app.rest.issues.listCommentsForRepo({ ...p, sort: "created", direction: "asc", per_page: 100 });
      await t.app.rest.issues.getComment({ ...p, comment_id: data.id });
      await t.app.rest.issues.updateComment({ ...p, comment_id: data.id, body: "Mail, read" });
      await t.app.rest.issues.deleteComment({ ...p, comment_id: data.id });
    },
  },
  {
    name: "reactions: reacts to an issue and a comment, lists and removes the reactions",
    needs: [
      `POST ${R}/issues/{issue_number}/reactions`,
      `GET ${R}/issues/{issue_number}/reactions`,
      `DELETE ${R}/issues/{issue_number}/reactions/{reaction_id}`,
      `POST ${R}/issues/comments/{comment_id}/reactions`,
      `GET ${R}/issues/comments/{comment_id}/reactions`,
      `DELETE ${R}/issues/comments/{comment_id}/reactions/{reaction_id}`,
      `POST ${R}/issues/{issue_number}/comments`,
    ],
    async run(t) {
      const { number } = await newIssue(t, "to react to");
      const issueReaction = await t.dev.rest.reactions.createForIssue({
        ...p,
        issue_number: number,
        content: "+1",
      });
      await t.dev.rest.reactions.listForIssue({ ...p, issue_number: number, content: "+1" });
      await t.dev.rest.reactions.deleteForIssue({
        ...p,
        issue_number: number,
        reaction_id: issueReaction.data.id,
      });
      const comment = await t.app.rest.issues.createComment({ ...p, issue_number: number, body: "Ack?" });
      const reaction = await t.dev.rest.reactions.createForIssueComment({
        ...p,
        comment_id: comment.data.id,
        content: "heart",
      });
      await t.dev.rest.reactions.listForIssueComment({ ...p, comment_id: comment.data.id });
      await t.dev.rest.reactions.deleteForIssueComment({
        ...p,
        comment_id: comment.data.id,
        reaction_id: reaction.data.id,
      });
    },
  },
  {
    name: "dependencies: blocks an issue by another, lists both directions and unblocks",
    needs: [
      `POST ${R}/issues/{issue_number}/dependencies/blocked_by`,
      `GET ${R}/issues/{issue_number}/dependencies/blocked_by`,
      `GET ${R}/issues/{issue_number}/dependencies/blocking`,
      `DELETE ${R}/issues/{issue_number}/dependencies/blocked_by/{issue_id}`,
    ],
    async run(t) {
      const blocked = await newIssue(t, "blocked");
      const blocker = await newIssue(t, "blocker");
      const path = `${R}/issues/{issue_number}/dependencies`;
      await t.app.request(`POST ${path}/blocked_by`, {
        ...p,
        issue_number: blocked.number,
        issue_id: blocker.id,
      });
      await t.app.request(`GET ${path}/blocked_by`, { ...p, issue_number: blocked.number, per_page: 100 });
      await t.app.request(`GET ${path}/blocking`, { ...p, issue_number: blocker.number, per_page: 100 });
      await t.app.request(`DELETE ${path}/blocked_by/{issue_id}`, {
        ...p,
        issue_number: blocked.number,
        issue_id: blocker.id,
      });
    },
  },
  {
    name: "sub-issues: adds, reorders, lists, finds the parent of and removes sub-issues",
    needs: [
      `POST ${R}/issues/{issue_number}/sub_issues`,
      `GET ${R}/issues/{issue_number}/sub_issues`,
      `PATCH ${R}/issues/{issue_number}/sub_issues/priority`,
      `GET ${R}/issues/{issue_number}/parent`,
      `DELETE ${R}/issues/{issue_number}/sub_issue`,
    ],
    async run(t) {
      const parent = await newIssue(t, "epic");
      const first = await newIssue(t, "step one");
      const second = await newIssue(t, "step two");
      const at = { ...p, issue_number: parent.number };
      await t.app.request(`POST ${R}/issues/{issue_number}/sub_issues`, { ...at, sub_issue_id: first.id });
      await t.app.request(`POST ${R}/issues/{issue_number}/sub_issues`, { ...at, sub_issue_id: second.id });
      await t.app.request(`PATCH ${R}/issues/{issue_number}/sub_issues/priority`, {
        ...at,
        sub_issue_id: second.id,
        before_id: first.id,
      });
      await t.app.request(`GET ${R}/issues/{issue_number}/sub_issues`, { ...at, per_page: 100 });
      await t.app.request(`GET ${R}/issues/{issue_number}/parent`, { ...p, issue_number: first.number });
      await t.app.request(`DELETE ${R}/issues/{issue_number}/sub_issue`, { ...at, sub_issue_id: first.id });
    },
  },
  {
    name: "collaborators: lists, invites, checks, reads the permission of and removes a collaborator",
    needs: [
      `GET ${R}/collaborators`,
      `PUT ${R}/collaborators/{username}`,
      `GET ${R}/collaborators/{username}`,
      `GET ${R}/collaborators/{username}/permission`,
      `DELETE ${R}/collaborators/{username}`,
    ],
    async run(t) {
      await t.admin.rest.repos.listCollaborators({ ...p, per_page: 100 });
      await t.admin.rest.repos.addCollaborator({ ...p, username: "newbie", permission: "triage" });
      await t.admin.rest.repos.checkCollaborator({ ...p, username: "dev" });
      await t.app.rest.repos.getCollaboratorPermissionLevel({ ...p, username: "dev" });
      await t.admin.rest.repos.removeCollaborator({ ...p, username: "newbie" });
    },
  },
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

describe("representative exchanges with the real Octokit", () => {
  let town: Town;
  let receiver: Server;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    receiver = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(200).end("ok"));
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const sim = await startTestSim();
    const repoRecord = await sim.createRepo({
      owner,
      name: repo,
      files: { "README.md": "# town\n", "docs/guide.md": "# guide\n" },
    });
    sim.setPermission(repoRecord, "dev", "write");
    sim.state.user("newbie");
    const kit = (auth: string): Octokit => new Octokit({ baseUrl: sim.url, auth, log: quiet });
    const app = kit(sim.token({ kind: "installation" }));
    const { data } = await app.rest.repos.getBranch({ ...p, branch: "main" });
    town = {
      sim,
      record: repoRecord,
      receiver: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
      admin: kit(sim.token({ kind: "user", login: owner })),
      dev: kit(sim.token({ kind: "user", login: "dev" })),
      app,
      main: data.commit.sha,
    };
  });
  afterEach(async () => {
    await town.sim.idle();
    const found = town.sim.contract.drain();
    if (found.length > 0) throw new ContractError(found);
  });
  afterAll(async () => {
    await town?.sim.stop();
    await new Promise((resolve) => receiver.close(resolve));
    nock.enableNetConnect();
  });

  for (const scenario of scenarios.filter((s) => s.needs.every(serves))) {
    it(`conform for ${scenario.name}`, () => scenario.run(town));
  }

  it("exercise every operation the sim serves", () => {
    const counts = town.sim.state.requestCounts;
    const missed = served.map((r) => `${r.method} ${r.template}`).filter((key) => !counts.has(key));
    expect(missed, "add a scenario to test/sim/conformance.test.ts for each").toEqual([]);
  });
});

describe("startTestSim", () => {
  describe("when an exchange or an event breaks the contract", () => {
    it("records it with the test's name and fails stop() with a readable report", async () => {
      const sim = await startTestSim();
      const record = await sim.createRepo({ owner, name: "strict" });
      const octokit = new Octokit({
        baseUrl: sim.url,
        auth: sim.token({ kind: "installation" }),
        log: quiet,
      });
      await octokit.request("GET /repos/{owner}/{repo}", { owner, repo: "strict", colour: "blue" });
      await expect(
        octokit.request("GET /repos/{owner}/{repo}/teleport", { owner, repo: "strict" }),
      ).rejects.toMatchObject({ status: 404 });
      sim.context.emit(record, "issues", { action: "opened", issue: { number: "one" } });
      expect(sim.contract.violations()).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: "request",
            at: "query colour",
            test: expect.stringContaining("records it with the test's name"),
          }),
          expect.objectContaining({
            kind: "unknown-operation",
            exchange: "GET /repos/acme/strict/teleport → 404",
          }),
          expect.objectContaining({
            kind: "webhook",
            exchange: "webhook issues.opened (emitted)",
            at: "payload /issue/number",
            expected: "integer",
          }),
        ]),
      );
      const stopped = sim.stop();
      await expect(stopped).rejects.toThrowError(ContractError);
      await expect(stopped).rejects.toThrowError(
        /GET \/repos\/\{owner\}\/\{repo\} → 200 \(repos\/get\).*\n\s+see https:\/\/docs\.github\.com\S+\n\s+query colour: GitHub documents no such query parameter/,
      );
    });
  });

  describe("when a test breaks the contract on purpose", () => {
    it("lets it take the violations back so stop() passes", async () => {
      const sim = await startTestSim();
      await sim.createRepo({ owner, name: "lenient" });
      const octokit = new Octokit({
        baseUrl: sim.url,
        auth: sim.token({ kind: "installation" }),
        log: quiet,
      });
      // A route typed as a plain string lets the body break the schema, which is the point.
      const route: string = "POST /repos/{owner}/{repo}/issues";
      await expect(
        octokit.request(route, {
          owner,
          repo: "lenient",
          title: ["not", "a", "title"],
        }),
      ).rejects.toMatchObject({ status: 422 });
      expect(sim.contract.drain()).toMatchObject([{ kind: "request", at: "request body /title" }]);
      await expect(sim.stop()).resolves.toBeUndefined();
    });
  });
});
