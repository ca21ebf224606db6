import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { closingReferences } from "../../src/sim/effects.ts";
import { commitTree, mergeTrees, resolveRef, ZERO } from "../../src/sim/git.ts";
import type { SimIssue } from "../../src/sim/state.ts";
import { commitIn, mustGit, scratchDir } from "../helpers/git-cli.ts";
import {
  eventsOf,
  moveBranch,
  type PullFixture,
  pushFiles,
  startPullFixture,
} from "../helpers/pull-fixtures.ts";

describe("closingReferences", () => {
  it("finds every GitHub closing keyword, case-insensitively, with an optional colon", () => {
    const text = [
      "close #1, closes #2 and closed #3",
      "Fix #4; FIXES #5; fixed: #6",
      "Resolve #7 resolves acme/other#8 RESOLVED http://127.0.0.1:9/acme/app/issues/9",
    ].join("\n");
    expect(closingReferences(text)).toEqual([
      { repo: undefined, number: 1 },
      { repo: undefined, number: 2 },
      { repo: undefined, number: 3 },
      { repo: undefined, number: 4 },
      { repo: undefined, number: 5 },
      { repo: undefined, number: 6 },
      { repo: undefined, number: 7 },
      { repo: "acme/other", number: 8 },
      { repo: "acme/app", number: 9 },
    ]);
  });

  it("ignores mentions without a keyword and keywords inside other words", () => {
    expect(closingReferences("See #3. Prefix #4. disclosed #5. closes#6 fixes # 7")).toEqual([]);
  });
});

describe("branch movement effects", () => {
  let fx: PullFixture;
  beforeEach(async () => {
    fx = await startPullFixture();
  });
  afterEach(async () => {
    await fx.stop();
  });

  const addIssue = (title: string): SimIssue => {
    const now = new Date().toISOString();
    const issue: SimIssue = {
      id: fx.sim.state.nextId(),
      number: fx.repo.nextNumber,
      title,
      body: null,
      state: "open",
      state_reason: null,
      user: "acme",
      labels: [],
      assignees: [],
      milestone: null,
      locked: false,
      comments: 0,
      created_at: now,
      updated_at: now,
      closed_at: null,
      closed_by: null,
      blocked_by: [],
      blocking: [],
      sub_issues: [],
      parent: null,
    };
    fx.repo.nextNumber += 1;
    fx.repo.issues.set(issue.number, issue);
    fx.repo.issueIdToNumber.set(issue.id, issue.number);
    return issue;
  };
  const tip = async (branch: string): Promise<string> =>
    (await resolveRef(fx.repo.gitDir, `refs/heads/${branch}`)) ?? ZERO;
  const openPull = async (branch: string, body: string) =>
    (
      await fx.dev.rest.pulls.create({
        owner: fx.owner,
        repo: fx.name,
        head: branch,
        base: "main",
        title: branch,
        body,
      })
    ).data;

  describe("when a PR's head branch is pushed", () => {
    it("moves the PR's head and emits pull_request.synchronize after the push event", async () => {
      const first = await pushFiles(fx, { branch: "feature", files: { "a.txt": "a\n" } });
      const pull = await openPull("feature", "");
      const second = await pushFiles(fx, { branch: "feature", files: { "a.txt": "b\n" }, message: "Second" });
      const { data } = await fx.dev.rest.pulls.get({
        owner: fx.owner,
        repo: fx.name,
        pull_number: pull.number,
      });
      expect(data.head.sha).toBe(second);
      const names = fx.events.map((e) => `${e.event}.${e.action ?? ""}`);
      expect(names.lastIndexOf("push.")).toBeLessThan(names.lastIndexOf("pull_request.synchronize"));
      expect(eventsOf(fx, "pull_request", "synchronize")[0]?.payload).toMatchObject({
        number: pull.number,
        before: first,
        after: second,
      });
    });
  });

  describe("when a push event is emitted", () => {
    it("describes the ref move, its commits and the pusher", async () => {
      const before = await tip("main");
      const after = await pushFiles(fx, {
        branch: "main",
        files: { "n.txt": "n\n", "src/app.txt": "x\n" },
        message: "Work",
      });
      const push = eventsOf(fx, "push").at(-1)?.payload;
      expect(push).toMatchObject({
        ref: "refs/heads/main",
        before,
        after,
        created: false,
        deleted: false,
        forced: false,
        base_ref: null,
        pusher: { name: "dev" },
        head_commit: { id: after, message: "Work", added: ["n.txt"], modified: ["src/app.txt"], removed: [] },
      });
      expect(push?.commits).toHaveLength(1);
      expect(push?.compare).toContain(`${before.slice(0, 12)}...${after.slice(0, 12)}`);
    });

    it("marks a branch creation and a force push", async () => {
      await pushFiles(fx, { branch: "topic", files: { "t.txt": "1\n" } });
      expect(eventsOf(fx, "push").at(-1)?.payload).toMatchObject({ created: true, forced: false });
      await moveBranch(fx, { branch: "topic", to: await tip("main") });
      expect(eventsOf(fx, "push").at(-1)?.payload).toMatchObject({ created: false, forced: true });
    });
  });

  describe("when the base fast-forwards to a staging branch containing the PR's merge", () => {
    it("marks the PR merged by the pusher and closes the issues it and the commits close", async () => {
      const bead = addIssue("The bead");
      const other = addIssue("Fixed by a commit");
      const untouched = addIssue("Only mentioned");
      await pushFiles(fx, {
        branch: "feature",
        files: { "f.txt": "f\n" },
        message: `Fixes #${other.number}`,
      });
      const pull = await openPull("feature", `Closes #${bead.number}\n\nSee #${untouched.number}.`);
      const base = await tip("main");
      const merged = await mergeTrees(fx.repo.gitDir, base, pull.head.sha);
      if (!merged.clean) throw new Error("expected a clean merge");
      const staging = await commitTree({
        gitDir: fx.repo.gitDir,
        tree: merged.tree,
        parents: [base, pull.head.sha],
        message: `Merge #${pull.number} into staging`,
      });
      // The refinery's moves, through the refs API: create staging, then fast-forward main to it.
      await fx.app.rest.git.createRef({
        owner: fx.owner,
        repo: fx.name,
        ref: "refs/heads/gastown/staging",
        sha: staging,
      });
      expect(
        (await fx.dev.rest.pulls.get({ owner: fx.owner, repo: fx.name, pull_number: pull.number })).data
          .merged,
      ).toBe(false);

      await fx.app.rest.git.updateRef({
        owner: fx.owner,
        repo: fx.name,
        ref: "heads/main",
        sha: staging,
        force: false,
      });
      const { data } = await fx.dev.rest.pulls.get({
        owner: fx.owner,
        repo: fx.name,
        pull_number: pull.number,
      });
      expect(data).toMatchObject({
        state: "closed",
        merged: true,
        merge_commit_sha: staging,
        merged_by: { login: "gastown[bot]" },
      });
      expect(data.commits).toBe(1);
      expect(eventsOf(fx, "pull_request", "closed")[0]?.payload).toMatchObject({
        pull_request: { merged: true },
      });
      expect(bead).toMatchObject({ state: "closed", state_reason: "completed", closed_by: "gastown[bot]" });
      expect(other).toMatchObject({ state: "closed", state_reason: "completed" });
      expect(untouched.state).toBe("open");
      expect(
        eventsOf(fx, "issues", "closed")
          .map((e) => (e.payload.issue as { number: number }).number)
          .sort(),
      ).toEqual([bead.number, other.number].sort());
    });

    it("closes nothing when the PR merges into a branch other than the default", async () => {
      const bead = addIssue("The bead");
      await pushFiles(fx, { branch: "develop", files: { "d.txt": "d\n" } });
      await pushFiles(fx, { branch: "feature", files: { "f.txt": "f\n" }, from: "develop" });
      const { data: pull } = await fx.dev.rest.pulls.create({
        owner: fx.owner,
        repo: fx.name,
        head: "feature",
        base: "develop",
        title: "f",
        body: `Closes #${bead.number}`,
      });
      await moveBranch(fx, { branch: "develop", to: pull.head.sha });
      expect(
        (await fx.dev.rest.pulls.get({ owner: fx.owner, repo: fx.name, pull_number: pull.number })).data
          .merged,
      ).toBe(true);
      expect(bead.state).toBe("open");
    });
  });

  describe("when the merge endpoint merges into the default branch", () => {
    it("closes the issues the PR body references", async () => {
      const bead = addIssue("The bead");
      await pushFiles(fx, { branch: "feature", files: { "f.txt": "f\n" } });
      const pull = await openPull("feature", `resolves #${bead.number}`);
      await fx.dev.rest.pulls.merge({
        owner: fx.owner,
        repo: fx.name,
        pull_number: pull.number,
        merge_method: "squash",
      });
      expect(bead).toMatchObject({ state: "closed", state_reason: "completed", closed_by: "dev" });
    });
  });

  describe("when a PR's head branch is deleted", () => {
    it("closes the PR unmerged", async () => {
      await pushFiles(fx, { branch: "feature", files: { "f.txt": "f\n" } });
      const pull = await openPull("feature", "");
      await moveBranch(fx, { branch: "feature", to: ZERO });
      const { data } = await fx.dev.rest.pulls.get({
        owner: fx.owner,
        repo: fx.name,
        pull_number: pull.number,
      });
      expect(data).toMatchObject({ state: "closed", merged: false });
      expect(eventsOf(fx, "push").at(-1)?.payload).toMatchObject({
        deleted: true,
        head_commit: null,
        commits: [],
      });
    });
  });

  describe("when real git pushes move the branches", () => {
    it("syncs the PR on a push and merges it when main fast-forwards to the pushed staging branch", async () => {
      const bead = addIssue("The bead");
      const scratch = await scratchDir();
      try {
        const work = `${scratch.path}/clone`;
        const token = fx.sim.token({ kind: "user", login: "dev" });
        await mustGit(["clone", "-q", fx.sim.cloneUrl(fx.repo, token), work]);
        await mustGit(["checkout", "-q", "-b", "feature"], work);
        await commitIn(work, { "f.txt": "1\n" }, "First");
        await mustGit(["push", "-q", "origin", "feature"], work);
        const pull = await openPull("feature", `Closes #${bead.number}`);
        const second = await commitIn(work, { "f.txt": "2\n" }, "Second");
        await mustGit(["push", "-q", "origin", "feature"], work);
        const synced = await fx.dev.rest.pulls.get({
          owner: fx.owner,
          repo: fx.name,
          pull_number: pull.number,
        });
        expect(synced.data.head.sha).toBe(second);
        expect(eventsOf(fx, "pull_request", "synchronize")).toHaveLength(1);

        await mustGit(["checkout", "-q", "-b", "gastown/staging", "origin/main"], work);
        await mustGit(["merge", "-q", "--no-ff", "-m", `Merge #${pull.number}`, "feature"], work);
        await mustGit(["push", "-q", "origin", "gastown/staging"], work);
        await mustGit(["push", "-q", "origin", "gastown/staging:main"], work);
        const staging = await mustGit(["rev-parse", "HEAD"], work);
        const { data } = await fx.dev.rest.pulls.get({
          owner: fx.owner,
          repo: fx.name,
          pull_number: pull.number,
        });
        expect(data).toMatchObject({ merged: true, merge_commit_sha: staging, merged_by: { login: "dev" } });
        expect(bead).toMatchObject({ state: "closed", state_reason: "completed" });
      } finally {
        await scratch.cleanup();
      }
    });
  });
});
