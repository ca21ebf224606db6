import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IssueFixture, startIssueFixture, statusOf } from "../helpers/issue-fixtures.ts";

describe("issue comments on the loopback GitHub", () => {
  let fx: IssueFixture;
  const at = { owner: "acme", repo: "app" } as const;
  let issueNumber: number;
  beforeAll(async () => {
    fx = await startIssueFixture();
    issueNumber = (await fx.dev.rest.issues.create({ ...at, title: "Talk here" })).data.number;
  });
  afterAll(async () => {
    await fx.stop();
  });

  it("creates a comment (201) in GitHub's shape, counts it on the issue and emits issue_comment.created", async () => {
    const { status, data } = await fx.reader.rest.issues.createComment({
      ...at,
      issue_number: issueNumber,
      body: "First!",
    });
    expect(status).toBe(201);
    expect(data).toMatchObject({
      body: "First!",
      user: { login: "reader" },
      author_association: "COLLABORATOR",
      issue_url: `${fx.sim.url}/repos/acme/app/issues/${issueNumber}`,
      html_url: `${fx.sim.url}/acme/app/issues/${issueNumber}#issuecomment-${data.id}`,
      url: `${fx.sim.url}/repos/acme/app/issues/comments/${data.id}`,
      node_id: `IC_${data.id}`,
      reactions: { total_count: 0 },
    });
    const issue = await fx.dev.rest.issues.get({ ...at, issue_number: issueNumber });
    expect(issue.data.comments).toBe(1);
    const event = fx.eventsOf("issue_comment", "created").at(-1);
    expect(event?.payload.comment).toMatchObject({ id: data.id, body: "First!" });
    expect(event?.payload.issue).toMatchObject({ number: issueNumber, comments: 1 });
    expect(event?.sender).toBe("reader");
  });

  it("refuses a body over 65536 characters with GitHub's 422", async () => {
    const long = await statusOf(
      fx.dev.rest.issues.createComment({ ...at, issue_number: issueNumber, body: "y".repeat(65537) }),
    );
    expect(long.status).toBe(422);
    expect(long.data).toMatchObject({
      message: "Validation Failed",
      errors: [
        {
          resource: "IssueComment",
          field: "body",
          message: "body is too long (maximum is 65536 characters)",
        },
      ],
    });
    const exact = await fx.dev.rest.issues.createComment({
      ...at,
      issue_number: issueNumber,
      body: "y".repeat(65536),
    });
    expect(exact.status).toBe(201);
    await fx.dev.rest.issues.deleteComment({ ...at, comment_id: exact.data.id });
  });

  it("answers 404 for comments on a missing issue", async () => {
    expect(
      (await statusOf(fx.dev.rest.issues.createComment({ ...at, issue_number: 4040, body: "?" }))).status,
    ).toBe(404);
  });

  it("gets, edits (emitting edited with the old body) and deletes a comment, keeping the count", async () => {
    const { data: comment } = await fx.dev.rest.issues.createComment({
      ...at,
      issue_number: issueNumber,
      body: "draft",
    });
    const got = await fx.reader.rest.issues.getComment({ ...at, comment_id: comment.id });
    expect(got.data.body).toBe("draft");
    const edited = await fx.dev.rest.issues.updateComment({ ...at, comment_id: comment.id, body: "final" });
    expect(edited.data.body).toBe("final");
    expect(fx.eventsOf("issue_comment", "edited").at(-1)?.payload.changes).toEqual({
      body: { from: "draft" },
    });
    const before = (await fx.dev.rest.issues.get({ ...at, issue_number: issueNumber })).data.comments;
    expect((await fx.dev.rest.issues.deleteComment({ ...at, comment_id: comment.id })).status).toBe(204);
    expect(fx.eventsOf("issue_comment", "deleted").at(-1)?.payload.comment).toMatchObject({ id: comment.id });
    expect((await fx.dev.rest.issues.get({ ...at, issue_number: issueNumber })).data.comments).toBe(
      before - 1,
    );
    expect((await statusOf(fx.dev.rest.issues.getComment({ ...at, comment_id: comment.id }))).status).toBe(
      404,
    );
  });

  it("lets authors edit their own comments but not others' (403)", async () => {
    const { data: comment } = await fx.dev.rest.issues.createComment({
      ...at,
      issue_number: issueNumber,
      body: "dev's",
    });
    expect(
      (
        await statusOf(
          fx.reader.rest.issues.updateComment({ ...at, comment_id: comment.id, body: "mine now" }),
        )
      ).status,
    ).toBe(403);
    expect(
      (await statusOf(fx.reader.rest.issues.deleteComment({ ...at, comment_id: comment.id }))).status,
    ).toBe(403);
  });

  it("lists an issue's comments oldest first, with since and pagination", async () => {
    const { data: issue } = await fx.dev.rest.issues.create({ ...at, title: "Thread" });
    for (let i = 0; i < 5; i += 1) {
      await fx.dev.rest.issues.createComment({ ...at, issue_number: issue.number, body: `c${i}` });
    }
    const all = await fx.dev.paginate(fx.dev.rest.issues.listComments, {
      ...at,
      issue_number: issue.number,
      per_page: 2,
    });
    expect(all.map((c) => c.body)).toEqual(["c0", "c1", "c2", "c3", "c4"]);
    const none = await fx.dev.rest.issues.listComments({
      ...at,
      issue_number: issue.number,
      since: "2999-01-01T00:00:00Z",
    });
    expect(none.data).toEqual([]);
  });

  it("lists comments repo-wide, ascending by default or newest first when asked", async () => {
    const all = await fx.dev.paginate(fx.dev.rest.issues.listCommentsForRepo, { ...at, per_page: 100 });
    const ids = all.map((c) => c.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(all.length).toBeGreaterThanOrEqual(7);
    const desc = await fx.dev.rest.issues.listCommentsForRepo({
      ...at,
      sort: "created",
      direction: "desc",
      per_page: 100,
    });
    expect(desc.data.map((c) => c.id)).toEqual([...ids].reverse());
    const since = await fx.dev.rest.issues.listCommentsForRepo({ ...at, since: "2999-01-01T00:00:00Z" });
    expect(since.data).toEqual([]);
  });

  it("filters by since on the last update, per issue and repo-wide, and sorts repo-wide by update", async () => {
    const { data: issue } = await fx.dev.rest.issues.create({ ...at, title: "Dated thread" });
    const ids: number[] = [];
    for (const body of ["old", "middle", "new"]) {
      ids.push((await fx.dev.rest.issues.createComment({ ...at, issue_number: issue.number, body })).data.id);
    }
    // Seconds are GitHub's resolution, so the test dates the records itself rather than wait.
    const stamp = (id: number | undefined, iso: string): void => {
      const comment = fx.repo.comments.get(id ?? 0);
      if (!comment) throw new Error(`no comment ${id}`);
      comment.updated_at = iso;
    };
    const [old, middle, latest] = ids;
    stamp(old, "2031-01-01T00:00:00Z");
    stamp(middle, "2031-01-03T00:00:00Z");
    stamp(latest, "2031-01-02T00:00:00Z");
    const forIssue = await fx.dev.rest.issues.listComments({
      ...at,
      issue_number: issue.number,
      since: "2031-01-02T00:00:00Z",
    });
    expect(forIssue.data.map((c) => c.body)).toEqual(["middle", "new"]);
    const repoWide = await fx.dev.rest.issues.listCommentsForRepo({
      ...at,
      sort: "updated",
      direction: "desc",
      since: "2031-01-01T00:00:00Z",
    });
    expect(repoWide.data.map((c) => c.id)).toEqual([middle, latest, old]);
  });

  it("refuses an installation token that carries only read (403)", async () => {
    const denied = await statusOf(
      fx.appRead.rest.issues.createComment({ ...at, issue_number: issueNumber, body: "no" }),
    );
    expect(denied.status).toBe(403);
  });
});
