import { Octokit } from "@octokit/rest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readCommit, resolveRef } from "../../src/sim/git.ts";
import { setPullDraft } from "../../src/sim/pulls-core.ts";
import {
  eventsOf,
  moveBranch,
  type PullFixture,
  pushFiles,
  startPullFixture,
  statusOf,
} from "../helpers/pull-fixtures.ts";

describe("pull requests on the loopback GitHub", () => {
  let fx: PullFixture;
  beforeEach(async () => {
    fx = await startPullFixture();
  });
  afterEach(async () => {
    await fx.stop();
  });

  const open = async (branch: string, files: Record<string, string>, extra: Record<string, unknown> = {}) => {
    await pushFiles(fx, { branch, files });
    const { data } = await fx.dev.rest.pulls.create({
      owner: fx.owner,
      repo: fx.name,
      head: branch,
      base: "main",
      title: `Add ${branch}`,
      body: `Work on ${branch}`,
      ...extra,
    });
    return data;
  };
  const mainTip = async (): Promise<string> => (await resolveRef(fx.repo.gitDir, "refs/heads/main")) ?? "";

  describe("when a PR is opened", () => {
    it("answers the full pull request with git facts and emits pull_request.opened", async () => {
      const head = await pushFiles(fx, { branch: "feature", files: { "src/new.txt": "a\nb\n" } });
      const { status, data } = await fx.dev.rest.pulls.create({
        owner: fx.owner,
        repo: fx.name,
        head: "acme:feature",
        base: "main",
        title: "Add new",
        body: "Closes #9",
      });
      expect(status).toBe(201);
      expect(data).toMatchObject({
        number: 1,
        state: "open",
        title: "Add new",
        body: "Closes #9",
        draft: false,
        merged: false,
        mergeable: true,
        mergeable_state: "clean",
        commits: 1,
        additions: 2,
        deletions: 0,
        changed_files: 1,
        user: { login: "dev" },
        head: { ref: "feature", sha: head, label: "acme:feature" },
        base: { ref: "main", sha: await mainTip(), label: "acme:main" },
      });
      expect(data.head.repo?.full_name).toBe("acme/app");
      expect(fx.repo.issues.get(1)?.pull_request).toBe(1);
      const [opened] = eventsOf(fx, "pull_request", "opened");
      expect(opened?.payload).toMatchObject({ number: 1, pull_request: { number: 1, state: "open" } });
      expect(opened?.sender).toBe("dev");
    });

    it("takes its number from the repo's shared issue counter", async () => {
      fx.repo.nextNumber = 7;
      const pull = await open("feature", { "a.txt": "a\n" });
      expect(pull.number).toBe(7);
      expect(fx.repo.nextNumber).toBe(8);
    });

    it("refuses a head with no commits the base lacks", async () => {
      await moveBranch(fx, { branch: "same", to: await mainTip() });
      const failure = await statusOf(
        fx.dev.rest.pulls.create({ owner: fx.owner, repo: fx.name, head: "same", base: "main", title: "x" }),
      );
      expect(failure.status).toBe(422);
      expect(JSON.stringify(failure.errors)).toContain("No commits between main and same");
    });

    it("refuses a second open PR for the same branch", async () => {
      await open("feature", { "a.txt": "a\n" });
      const failure = await statusOf(
        fx.dev.rest.pulls.create({
          owner: fx.owner,
          repo: fx.name,
          head: "feature",
          base: "main",
          title: "again",
        }),
      );
      expect(failure.status).toBe(422);
      expect(JSON.stringify(failure.errors)).toContain("A pull request already exists for acme:feature.");
    });

    it("refuses a head branch that does not exist", async () => {
      const failure = await statusOf(
        fx.dev.rest.pulls.create({ owner: fx.owner, repo: fx.name, head: "nope", base: "main", title: "x" }),
      );
      expect(failure.status).toBe(422);
      expect(failure.errors).toEqual([{ resource: "PullRequest", field: "head", code: "invalid" }]);
    });
  });

  describe("when PRs are listed", () => {
    it("filters by state, head and base and sorts by creation", async () => {
      await pushFiles(fx, { branch: "develop", files: { "d.txt": "d\n" } });
      const a = await open("a", { "a.txt": "a\n" });
      const b = await open("b", { "b.txt": "b\n" });
      await pushFiles(fx, { branch: "c", files: { "c.txt": "c\n" }, from: "develop" });
      const c = await fx.dev.rest.pulls.create({
        owner: fx.owner,
        repo: fx.name,
        head: "c",
        base: "develop",
        title: "c",
      });
      await fx.dev.rest.pulls.update({
        owner: fx.owner,
        repo: fx.name,
        pull_number: a.number,
        state: "closed",
      });
      const list = async (params: Record<string, string>) =>
        (await fx.dev.rest.pulls.list({ owner: fx.owner, repo: fx.name, ...params })).data.map(
          (p) => p.number,
        );
      expect(await list({})).toEqual([c.data.number, b.number]);
      expect(await list({ state: "all", direction: "asc" })).toEqual([a.number, b.number, c.data.number]);
      expect(await list({ state: "closed" })).toEqual([a.number]);
      expect(await list({ head: "acme:b" })).toEqual([b.number]);
      expect(await list({ head: "someone:b" })).toEqual([]);
      expect(await list({ base: "develop" })).toEqual([c.data.number]);
    });
  });

  describe("when a PR is edited", () => {
    it("emits edited with the changes, then closed and reopened", async () => {
      const pull = await open("feature", { "a.txt": "a\n" });
      const { data } = await fx.dev.rest.pulls.update({
        owner: fx.owner,
        repo: fx.name,
        pull_number: pull.number,
        title: "Better title",
        body: "New body",
      });
      expect(data).toMatchObject({ title: "Better title", body: "New body" });
      const [edited] = eventsOf(fx, "pull_request", "edited");
      expect(edited?.payload.changes).toEqual({
        title: { from: "Add feature" },
        body: { from: "Work on feature" },
      });

      const closed = await fx.dev.rest.pulls.update({
        owner: fx.owner,
        repo: fx.name,
        pull_number: pull.number,
        state: "closed",
      });
      expect(closed.data).toMatchObject({ state: "closed", merged: false });
      expect(eventsOf(fx, "pull_request", "closed")[0]?.payload).toMatchObject({
        pull_request: { merged: false },
      });

      const reopened = await fx.dev.rest.pulls.update({
        owner: fx.owner,
        repo: fx.name,
        pull_number: pull.number,
        state: "open",
      });
      expect(reopened.data.state).toBe("open");
      expect(eventsOf(fx, "pull_request", "reopened")).toHaveLength(1);
    });

    it("retargets the base and reports the old one", async () => {
      await pushFiles(fx, { branch: "develop", files: { "d.txt": "d\n" } });
      const pull = await open("feature", { "a.txt": "a\n" });
      const { data } = await fx.dev.rest.pulls.update({
        owner: fx.owner,
        repo: fx.name,
        pull_number: pull.number,
        base: "develop",
      });
      expect(data.base.ref).toBe("develop");
      expect(eventsOf(fx, "pull_request", "edited")[0]?.payload.changes).toMatchObject({
        base: { ref: { from: "main" } },
      });
    });

    it("does not let a reader edit someone else's PR", async () => {
      const pull = await open("feature", { "a.txt": "a\n" });
      const reader = new Octokit({
        baseUrl: fx.sim.url,
        auth: fx.sim.token({ kind: "user", login: "stranger" }),
      });
      const failure = await statusOf(
        reader.rest.pulls.update({ owner: fx.owner, repo: fx.name, pull_number: pull.number, title: "mine" }),
      );
      expect(failure.status).toBe(403);
    });
  });

  describe("when its files and commits are read", () => {
    it("lists the changed files and the commits since the fork point", async () => {
      await pushFiles(fx, {
        branch: "feature",
        files: { "src/app.txt": "one\n2\nthree\n" },
        message: "Edit app",
      });
      await pushFiles(fx, { branch: "feature", files: { "docs/guide.md": "guide\n" }, message: "Add guide" });
      await pushFiles(fx, { branch: "main", files: { "other.txt": "o\n" }, message: "Meanwhile on main" });
      const { data: pull } = await fx.dev.rest.pulls.create({
        owner: fx.owner,
        repo: fx.name,
        head: "feature",
        base: "main",
        title: "t",
      });
      const files = await fx.dev.rest.pulls.listFiles({
        owner: fx.owner,
        repo: fx.name,
        pull_number: pull.number,
      });
      expect(files.data.map((f) => [f.filename, f.status, f.additions, f.deletions])).toEqual([
        ["docs/guide.md", "added", 1, 0],
        ["src/app.txt", "modified", 1, 1],
      ]);
      const commits = await fx.dev.rest.pulls.listCommits({
        owner: fx.owner,
        repo: fx.name,
        pull_number: pull.number,
      });
      expect(commits.data.map((c) => c.commit.message)).toEqual(["Edit app", "Add guide"]);
    });
  });

  describe("when a PR is merged", () => {
    it("moves the base to a merge commit, marks the PR merged and closes it", async () => {
      const pull = await open("feature", { "a.txt": "a\n" });
      const before = await mainTip();
      expect(
        (
          await statusOf(
            fx.dev.rest.pulls.checkIfMerged({ owner: fx.owner, repo: fx.name, pull_number: pull.number }),
          )
        ).status,
      ).toBe(404);
      const { data } = await fx.dev.rest.pulls.merge({
        owner: fx.owner,
        repo: fx.name,
        pull_number: pull.number,
        sha: pull.head.sha,
      });
      expect(data).toEqual({
        sha: await mainTip(),
        merged: true,
        message: "Pull Request successfully merged",
      });
      const commit = await readCommit(fx.repo.gitDir, data.sha);
      expect(commit?.parents).toEqual([before, pull.head.sha]);
      expect(commit?.message).toContain(`Merge pull request #${pull.number} from acme/feature`);
      const { data: merged } = await fx.dev.rest.pulls.get({
        owner: fx.owner,
        repo: fx.name,
        pull_number: pull.number,
      });
      expect(merged).toMatchObject({
        state: "closed",
        merged: true,
        merge_commit_sha: data.sha,
        merged_by: { login: "dev" },
      });
      const check = await fx.dev.rest.pulls.checkIfMerged({
        owner: fx.owner,
        repo: fx.name,
        pull_number: pull.number,
      });
      expect(check.status).toBe(204);
      const closed = eventsOf(fx, "pull_request", "closed");
      expect(closed).toHaveLength(1);
      expect(closed[0]?.payload).toMatchObject({ pull_request: { merged: true } });
      expect(eventsOf(fx, "push").at(-1)?.payload).toMatchObject({ ref: "refs/heads/main", after: data.sha });
      expect(
        (
          await statusOf(
            fx.dev.rest.pulls.merge({ owner: fx.owner, repo: fx.name, pull_number: pull.number }),
          )
        ).status,
      ).toBe(405);
    });

    it("squashes into one commit on the base", async () => {
      await pushFiles(fx, { branch: "feature", files: { "a.txt": "a\n" }, message: "First" });
      const pull = await open("feature", { "b.txt": "b\n" });
      const before = await mainTip();
      const { data } = await fx.dev.rest.pulls.merge({
        owner: fx.owner,
        repo: fx.name,
        pull_number: pull.number,
        merge_method: "squash",
      });
      const commit = await readCommit(fx.repo.gitDir, data.sha);
      expect(commit?.parents).toEqual([before]);
      expect(commit?.message).toMatch(/^Add feature \(#1\)\n\n\* First\n\n\* Change b\.txt/);
      expect(commit?.author.name).toBe("dev");
    });

    it("rebases the commits onto the base", async () => {
      await pushFiles(fx, { branch: "feature", files: { "a.txt": "a\n" }, message: "First" });
      const pull = await open("feature", { "b.txt": "b\n" });
      await pushFiles(fx, { branch: "main", files: { "m.txt": "m\n" }, message: "Main moved" });
      const before = await mainTip();
      const { data } = await fx.dev.rest.pulls.merge({
        owner: fx.owner,
        repo: fx.name,
        pull_number: pull.number,
        merge_method: "rebase",
      });
      const top = await readCommit(fx.repo.gitDir, data.sha);
      const first = await readCommit(fx.repo.gitDir, top?.parents[0] ?? "");
      expect(top?.message.trim()).toBe("Change b.txt");
      expect(first?.message.trim()).toBe("First");
      expect(first?.parents).toEqual([before]);
    });

    it("refuses with 409 when the head moved since the caller looked", async () => {
      const pull = await open("feature", { "a.txt": "a\n" });
      await pushFiles(fx, { branch: "feature", files: { "a.txt": "changed\n" } });
      const failure = await statusOf(
        fx.dev.rest.pulls.merge({
          owner: fx.owner,
          repo: fx.name,
          pull_number: pull.number,
          sha: pull.head.sha,
        }),
      );
      expect(failure).toMatchObject({
        status: 409,
        message: "Head branch was modified. Review and try the merge again.",
      });
      expect(
        (await fx.dev.rest.pulls.get({ owner: fx.owner, repo: fx.name, pull_number: pull.number })).data
          .merged,
      ).toBe(false);
    });

    it("merges exactly once when asked twice at the same time", async () => {
      const pull = await open("feature", { "a.txt": "a\n" });
      const results = await Promise.allSettled([
        fx.dev.rest.pulls.merge({ owner: fx.owner, repo: fx.name, pull_number: pull.number }),
        fx.dev.rest.pulls.merge({ owner: fx.owner, repo: fx.name, pull_number: pull.number }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(eventsOf(fx, "pull_request", "closed")).toHaveLength(1);
    });
  });

  describe("when a PR conflicts with its base", () => {
    it("reports mergeable false and refuses to merge with 405", async () => {
      const pull = await open("feature", { "src/app.txt": "one\nfeature\nthree\n" });
      await pushFiles(fx, { branch: "main", files: { "src/app.txt": "one\nmain\nthree\n" } });
      const { data } = await fx.dev.rest.pulls.get({
        owner: fx.owner,
        repo: fx.name,
        pull_number: pull.number,
      });
      expect(data).toMatchObject({ mergeable: false, mergeable_state: "dirty" });
      const failure = await statusOf(
        fx.dev.rest.pulls.merge({ owner: fx.owner, repo: fx.name, pull_number: pull.number }),
      );
      expect(failure).toMatchObject({ status: 405, message: "Pull Request is not mergeable" });
    });
  });

  describe("when the PR is a draft", () => {
    it("reports the draft state and refuses to merge", async () => {
      const pull = await open("feature", { "a.txt": "a\n" }, { draft: true });
      expect(pull).toMatchObject({ draft: true, mergeable_state: "draft" });
      const failure = await statusOf(
        fx.dev.rest.pulls.merge({ owner: fx.owner, repo: fx.name, pull_number: pull.number }),
      );
      expect(failure.status).toBe(405);
    });
  });

  describe("when a draft is marked ready and converted back", () => {
    it("emits ready_for_review and converted_to_draft and reports the state", async () => {
      const opened = await open("feature", { "a.txt": "a\n" }, { draft: true });
      const pull = fx.repo.pulls.get(opened.number);
      if (!pull) throw new Error("no PR record");
      const principal = fx.principal("dev");
      expect(await setPullDraft({ sim: fx.sim.context, repo: fx.repo, pull, draft: false, principal })).toBe(
        true,
      );
      expect(
        (await fx.dev.rest.pulls.get({ owner: fx.owner, repo: fx.name, pull_number: pull.number })).data,
      ).toMatchObject({
        draft: false,
        mergeable_state: "clean",
      });
      expect(await setPullDraft({ sim: fx.sim.context, repo: fx.repo, pull, draft: false, principal })).toBe(
        false,
      );
      await setPullDraft({ sim: fx.sim.context, repo: fx.repo, pull, draft: true, principal });
      expect(eventsOf(fx, "pull_request", "ready_for_review")).toHaveLength(1);
      expect(eventsOf(fx, "pull_request", "converted_to_draft")).toHaveLength(1);
    });
  });

  describe("when the base moved ahead", () => {
    it("reports behind under strict protection and update-branch merges the base in", async () => {
      fx.sim.requireChecks(fx.repo, [], { upToDate: true });
      const pull = await open("feature", { "a.txt": "a\n" });
      await pushFiles(fx, { branch: "main", files: { "m.txt": "m\n" } });
      const base = await mainTip();
      expect(
        (await fx.dev.rest.pulls.get({ owner: fx.owner, repo: fx.name, pull_number: pull.number })).data
          .mergeable_state,
      ).toBe("behind");
      expect(
        (
          await statusOf(
            fx.dev.rest.pulls.merge({ owner: fx.owner, repo: fx.name, pull_number: pull.number }),
          )
        ).status,
      ).toBe(405);

      const stale = await statusOf(
        fx.dev.rest.pulls.updateBranch({
          owner: fx.owner,
          repo: fx.name,
          pull_number: pull.number,
          expected_head_sha: base,
        }),
      );
      expect(stale.status).toBe(422);
      const update = await fx.dev.rest.pulls.updateBranch({
        owner: fx.owner,
        repo: fx.name,
        pull_number: pull.number,
        expected_head_sha: pull.head.sha,
      });
      expect(update.status).toBe(202);
      const { data } = await fx.dev.rest.pulls.get({
        owner: fx.owner,
        repo: fx.name,
        pull_number: pull.number,
      });
      const head = await readCommit(fx.repo.gitDir, data.head.sha);
      expect(head?.parents).toEqual([pull.head.sha, base]);
      expect(data.mergeable_state).toBe("clean");
      expect(eventsOf(fx, "pull_request", "synchronize").at(-1)?.payload).toMatchObject({
        before: pull.head.sha,
        after: data.head.sha,
      });
    });
  });
});
