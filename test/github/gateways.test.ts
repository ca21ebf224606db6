import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createComment,
  deleteComment,
  findComment,
  listComments,
  updateComment,
} from "../../src/github/comments.ts";
import { addBlockedBy, listBlockedBy, listBlocking, removeBlockedBy } from "../../src/github/dependencies.ts";
import { applyLabelPlan, listLabels, reconcileLabels } from "../../src/github/labels.ts";
import {
  closeConvoy,
  createConvoy,
  findConvoy,
  getConvoy,
  listConvoys,
  updateConvoy,
} from "../../src/github/milestones.ts";
import { getPermission, getRepository, getTokenLogin } from "../../src/github/permissions.ts";
import { listHookedBeads } from "../../src/github/refs.ts";
import { addSubIssue, listSubIssues, removeSubIssue } from "../../src/github/sub-issues.ts";
import { taxonomyLabels } from "../../src/model/labels.ts";
import { listRepoComments } from "../../src/town/repo-comments.ts";
import { github, repoPath, testContext } from "./context.ts";
import {
  commentPayload,
  gitRefPayload,
  issuePayload,
  labelPayload,
  linkHeader,
  milestonePayload,
} from "./payloads.ts";

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

const gh = testContext();

describe("labels gateway", () => {
  it("lists every label across pages", async () => {
    github()
      .get(`${repoPath}/labels`)
      .query({ per_page: "100" })
      .reply(200, [labelPayload({ name: "bug", color: "f29513", description: null })], {
        link: linkHeader(`${repoPath}/labels?per_page=100`, 1, 2),
      });
    github()
      .get(`${repoPath}/labels`)
      .query({ per_page: "100", page: "2" })
      .reply(200, [labelPayload({ name: "type/task", color: "0075ca", description: "A unit of work" })]);
    expect(await listLabels(gh)).toEqual([
      { name: "bug", color: "f29513", description: "" },
      { name: "type/task", color: "0075ca", description: "A unit of work" },
    ]);
  });

  describe("when reconciling a repo that lacks most labels", () => {
    it("creates the missing ones, fixes the wrong one and reports each", async () => {
      const desired = taxonomyLabels();
      const present = desired.filter((l) => l.name !== "status/hooked" && l.name !== "gt/sling");
      const wrong = { ...present[0]!, color: "000000" };
      github()
        .get(`${repoPath}/labels`)
        .query({ per_page: "100" })
        .reply(
          200,
          [wrong, ...present.slice(1)].map((l) => labelPayload(l)),
        );
      github()
        .post(`${repoPath}/labels`, {
          name: "status/hooked",
          color: "5319e7",
          description: "On a polecat's hook: claimed work",
        })
        .reply(201, labelPayload({ name: "status/hooked" }));
      github()
        .patch(`${repoPath}/labels/status%2Fin-progress`, {
          new_name: "status/in-progress",
          color: present[0]!.color,
          description: present[0]!.description,
        })
        .reply(200, labelPayload({ name: "status/in-progress" }));
      github()
        .post(`${repoPath}/labels`, {
          name: "gt/sling",
          color: "0052cc",
          description: "Add to sling this bead to a polecat",
        })
        .reply(422, {
          message: "Validation Failed",
          errors: [{ resource: "Label", code: "already_exists", field: "name" }],
        });

      const { operations, report } = await reconcileLabels(gh);
      expect(operations.map((o) => o.op)).toEqual(["create", "update", "create"]);
      expect(report.applied.map((o) => o.op)).toEqual(["create", "update"]);
      expect(report.failed).toHaveLength(1);
      expect(report.failed[0]?.error.message).toContain('Could not create label "gt/sling" in acme/app');
    });

    it("writes nothing in a dry run", async () => {
      github().get(`${repoPath}/labels`).query({ per_page: "100" }).reply(200, []);
      const { operations, report } = await reconcileLabels(gh, { dryRun: true });
      expect(operations).toHaveLength(taxonomyLabels().length);
      expect(report).toEqual({ applied: [], failed: [] });
    });
  });

  it("deletes labels in a prune plan and refuses an over-long name without a request", async () => {
    github().delete(`${repoPath}/labels/old`).reply(204);
    const report = await applyLabelPlan(gh, [
      { op: "delete", name: "old" },
      { op: "create", label: { name: "n".repeat(51), color: "ffffff", description: "" } },
    ]);
    expect(report.applied).toEqual([{ op: "delete", name: "old" }]);
    expect(report.failed[0]?.error.code).toBe("too-long");
  });
});

describe("milestones gateway", () => {
  it("lists convoys 100 at a time", async () => {
    github()
      .get(`${repoPath}/milestones`)
      .query({ per_page: "100", state: "all" })
      .reply(200, [
        milestonePayload({ number: 1, title: "A" }),
        milestonePayload({ number: 2, state: "closed" }),
      ]);
    expect((await listConvoys(gh, { state: "all" })).map((c) => [c.number, c.state])).toEqual([
      [1, "open"],
      [2, "closed"],
    ]);
  });

  it("creates a convoy with its metadata in the description", async () => {
    github()
      .post(`${repoPath}/milestones`, {
        title: "Auth",
        description: 'Ship it.\n\n<!-- gastown {"v":1,"owner":"mayor/"} -->',
      })
      .reply(
        201,
        milestonePayload({
          number: 3,
          title: "Auth",
          description: 'Ship it.\n\n<!-- gastown {"v":1,"owner":"mayor/"} -->',
        }),
      );
    const convoy = await createConvoy(gh, {
      title: "Auth",
      description: { text: "Ship it.", metadata: { owner: "mayor/" } },
    });
    expect(convoy).toMatchObject({ number: 3, description: "Ship it.", metadata: { owner: "mayor/" } });
  });

  it("updates and closes", async () => {
    github()
      .patch(`${repoPath}/milestones/3`, {
        description: '<!-- gastown {"v":1,"notifiedAt":"2026-01-05T00:00:00Z"} -->',
      })
      .reply(200, milestonePayload({ number: 3 }));
    github()
      .patch(`${repoPath}/milestones/3`, { state: "closed" })
      .reply(200, milestonePayload({ number: 3, state: "closed" }));
    await updateConvoy(gh, {
      number: 3,
      description: { text: "", metadata: { notifiedAt: "2026-01-05T00:00:00Z" } },
    });
    expect((await closeConvoy(gh, 3)).state).toBe("closed");
  });

  it("says a missing convoy does not exist", async () => {
    github().get(`${repoPath}/milestones/9`).times(2).reply(404, { message: "Not Found" });
    expect(await findConvoy(gh, 9)).toBeNull();
    await expect(getConvoy(gh, 9)).rejects.toMatchObject({
      code: "not-found",
      message: "Convoy 9 does not exist in acme/app.",
    });
  });
});

describe("comments gateway", () => {
  it("lists comments since a cursor, paginated", async () => {
    github()
      .get(`${repoPath}/issues/4/comments`)
      .query({ per_page: "100", since: "2026-01-02T00:00:00Z" })
      .reply(200, [commentPayload({ id: 11, issue: 4, body: "hi", login: "alice" })]);
    expect(await listComments(gh, { issue: 4, since: "2026-01-02T00:00:00Z" })).toEqual([
      {
        id: 11,
        issue: 4,
        body: "hi",
        author: "alice",
        createdAt: "2026-01-01T00:00:00Z",
        updatedAt: "2026-01-01T00:00:00Z",
        url: "https://github.com/acme/app/issues/4#issuecomment-11",
      },
    ]);
  });

  it("creates, edits and deletes", async () => {
    github()
      .post(`${repoPath}/issues/4/comments`, { body: "first" })
      .reply(201, commentPayload({ id: 12, issue: 4, body: "first" }));
    github()
      .patch(`${repoPath}/issues/comments/12`, { body: "edited" })
      .reply(200, commentPayload({ id: 12, issue: 4, body: "edited" }));
    github().delete(`${repoPath}/issues/comments/12`).reply(204);
    github().delete(`${repoPath}/issues/comments/12`).reply(404, { message: "Not Found" });
    github().get(`${repoPath}/issues/comments/12`).reply(404, { message: "Not Found" });
    expect((await createComment(gh, { issue: 4, body: "first" })).id).toBe(12);
    expect((await updateComment(gh, { id: 12, body: "edited" })).body).toBe("edited");
    await deleteComment(gh, 12);
    await deleteComment(gh, 12);
    expect(await findComment(gh, 12)).toBeNull();
  });

  describe("when a comment is over 65,536 characters", () => {
    it("refuses it before sending", async () => {
      await expect(createComment(gh, { issue: 4, body: "x".repeat(65_537) })).rejects.toMatchObject({
        code: "too-long",
        message: "The comment is 65,537 characters; GitHub allows at most 65,536 (1 too many).",
      });
      await expect(updateComment(gh, { id: 1, body: "x".repeat(65_537) })).rejects.toMatchObject({
        code: "too-long",
      });
    });
  });
});

describe("dependencies gateway", () => {
  it("lists blockers and blocked beads, paginated", async () => {
    github()
      .get(`${repoPath}/issues/5/dependencies/blocked_by`)
      .query({ per_page: "100" })
      .reply(200, [
        issuePayload({ number: 3, title: "Schema" }),
        issuePayload({ number: 4, state: "closed" }),
      ]);
    github()
      .get(`${repoPath}/issues/5/dependencies/blocking`)
      .query({ per_page: "100" })
      .reply(200, [issuePayload({ number: 6 })]);
    expect((await listBlockedBy(gh, 5)).map((b) => [b.number, b.status])).toEqual([
      [3, "open"],
      [4, "closed"],
    ]);
    expect((await listBlocking(gh, 5)).map((b) => b.number)).toEqual([6]);
  });

  it("maps the blocker's number to its id before adding", async () => {
    github()
      .get(`${repoPath}/issues/3`)
      .reply(200, issuePayload({ number: 3, id: 70003 }));
    github()
      .post(`${repoPath}/issues/5/dependencies/blocked_by`, { issue_id: 70003 })
      .reply(201, issuePayload({ number: 5 }));
    await addBlockedBy(gh, { blocked: 5, blocker: 3 });
  });

  it("skips the lookup when the id is known, and removes by id", async () => {
    github()
      .post(`${repoPath}/issues/5/dependencies/blocked_by`, { issue_id: 70003 })
      .reply(201, issuePayload({ number: 5 }));
    github()
      .delete(`${repoPath}/issues/5/dependencies/blocked_by/70003`)
      .reply(200, issuePayload({ number: 5 }));
    await addBlockedBy(gh, { blocked: 5, blocker: { number: 3, id: 70003 } });
    await removeBlockedBy(gh, { blocked: 5, blocker: { number: 3, id: 70003 } });
  });

  describe("when the blocker does not exist", () => {
    it("fails naming it, and adds nothing", async () => {
      github().get(`${repoPath}/issues/404`).reply(404, { message: "Not Found" });
      await expect(addBlockedBy(gh, { blocked: 5, blocker: 404 })).rejects.toMatchObject({
        code: "not-found",
        message: "Bead acme/app#404 does not exist.",
      });
    });
  });

  it("refuses a bead blocking itself without a request", async () => {
    await expect(addBlockedBy(gh, { blocked: 5, blocker: 5 })).rejects.toMatchObject({ code: "cycle" });
  });
});

describe("sub-issues gateway", () => {
  it("lists, adds and removes children by id", async () => {
    github()
      .get(`${repoPath}/issues/1/sub_issues`)
      .query({ per_page: "100" })
      .reply(200, [issuePayload({ number: 2, parent: 1 })]);
    github()
      .get(`${repoPath}/issues/3`)
      .reply(200, issuePayload({ number: 3, id: 7003 }));
    github()
      .post(`${repoPath}/issues/1/sub_issues`, { sub_issue_id: 7003, replace_parent: true })
      .reply(201, issuePayload({ number: 1 }));
    github()
      .delete(`${repoPath}/issues/1/sub_issue`, { sub_issue_id: 7003 })
      .reply(200, issuePayload({ number: 1 }));
    expect((await listSubIssues(gh, 1)).map((b) => [b.number, b.parent?.number])).toEqual([[2, 1]]);
    await addSubIssue(gh, { parent: 1, child: 3, replaceParent: true });
    await removeSubIssue(gh, { parent: 1, child: { number: 3, id: 7003 } });
  });
});

describe("permissions gateway", () => {
  it.each([
    [{ permission: "write", role_name: "maintain" }, "maintain"],
    [{ permission: "read", role_name: "triage" }, "triage"],
    [{ permission: "write", role_name: "custom-deployer" }, "write"],
    [{ permission: "none", role_name: "" }, "none"],
  ])("reads %j as %s", async (answer, level) => {
    github()
      .get(`${repoPath}/collaborators/alice/permission`)
      .reply(200, { ...answer, user: { login: "alice" } });
    expect(await getPermission(gh, "alice")).toBe(level);
  });

  it("treats a non-collaborator as none", async () => {
    github().get(`${repoPath}/collaborators/mallory/permission`).reply(404, { message: "Not Found" });
    expect(await getPermission(gh, "mallory")).toBe("none");
  });

  it("reads the token's user, and none for an installation token", async () => {
    github().get("/user").reply(200, { login: "alice", id: 1, type: "User" });
    github().get("/user").reply(403, { message: "Resource not accessible by integration" });
    expect(await getTokenLogin(gh)).toBe("alice");
    expect(await getTokenLogin(gh)).toBeNull();
  });

  it("reads the repository and the token's level", async () => {
    github()
      .get(repoPath)
      .reply(200, {
        full_name: "acme/app",
        default_branch: "main",
        private: true,
        has_issues: true,
        permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
      });
    expect(await getRepository(gh)).toEqual({
      fullName: "acme/app",
      defaultBranch: "main",
      private: true,
      hasIssues: true,
      permission: "write",
    });
  });
});

describe("every list", () => {
  /** Serves `first` as page 1 of 2 (with GitHub's Link header) and `second` as page 2. */
  function twoPages(path: string, query: Record<string, string>, first: unknown[], second: unknown[]): void {
    const search = new URLSearchParams({ per_page: "100", ...query }).toString();
    github()
      .get(path)
      .query({ per_page: "100", ...query })
      .reply(200, first, { link: linkHeader(`${path}?${search}`, 1, 2) });
    github()
      .get(path)
      .query({ per_page: "100", ...query, page: "2" })
      .reply(200, second);
  }

  it("follows GitHub's pages for milestones", async () => {
    twoPages(
      `${repoPath}/milestones`,
      { state: "open" },
      [milestonePayload({ number: 1 })],
      [milestonePayload({ number: 2 })],
    );
    expect((await listConvoys(gh)).map((c) => c.number)).toEqual([1, 2]);
  });

  it("follows GitHub's pages for an issue's comments", async () => {
    twoPages(
      `${repoPath}/issues/4/comments`,
      {},
      [commentPayload({ id: 1, issue: 4, body: "a" })],
      [commentPayload({ id: 2, issue: 4, body: "b" })],
    );
    expect((await listComments(gh, { issue: 4 })).map((c) => c.id)).toEqual([1, 2]);
  });

  it("follows GitHub's pages for the repository's comments since a cursor", async () => {
    twoPages(
      `${repoPath}/issues/comments`,
      { sort: "created", direction: "asc", since: "2026-01-01T00:00:00Z" },
      [commentPayload({ id: 7, issue: 3, body: "a" })],
      [commentPayload({ id: 9, issue: 5, body: "b" })],
    );
    const comments = await listRepoComments(gh, { since: "2026-01-01T00:00:00Z" });
    expect(comments.map((c) => [c.id, c.issue])).toEqual([
      [7, 3],
      [9, 5],
    ]);
  });

  it("follows GitHub's pages for blockers, blocked beads and sub-issues", async () => {
    twoPages(
      `${repoPath}/issues/5/dependencies/blocked_by`,
      {},
      [issuePayload({ number: 1 })],
      [issuePayload({ number: 2 })],
    );
    twoPages(
      `${repoPath}/issues/5/dependencies/blocking`,
      {},
      [issuePayload({ number: 6 })],
      [issuePayload({ number: 7 })],
    );
    twoPages(
      `${repoPath}/issues/5/sub_issues`,
      {},
      [issuePayload({ number: 8, parent: 5 })],
      [issuePayload({ number: 9, parent: 5 })],
    );
    expect((await listBlockedBy(gh, 5)).map((b) => b.number)).toEqual([1, 2]);
    expect((await listBlocking(gh, 5)).map((b) => b.number)).toEqual([6, 7]);
    expect((await listSubIssues(gh, 5)).map((b) => b.number)).toEqual([8, 9]);
  });

  it("follows GitHub's pages for hook claims", async () => {
    twoPages(
      `${repoPath}/git/matching-refs/gastown%2Fhooks%2F`,
      {},
      [gitRefPayload({ ref: "refs/gastown/hooks/12", sha: "a".repeat(40) })],
      [gitRefPayload({ ref: "refs/gastown/hooks/3", sha: "b".repeat(40) })],
    );
    expect(await listHookedBeads(gh)).toEqual([3, 12]);
  });
});
