import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IssueFixture, startIssueFixture, statusOf } from "../helpers/issue-fixtures.ts";

describe("reactions on the loopback GitHub", () => {
  let fx: IssueFixture;
  const at = { owner: "acme", repo: "app" } as const;
  let issueNumber: number;
  let commentId: number;
  beforeAll(async () => {
    fx = await startIssueFixture();
    issueNumber = (await fx.dev.rest.issues.create({ ...at, title: "React to me" })).data.number;
    commentId = (await fx.dev.rest.issues.createComment({ ...at, issue_number: issueNumber, body: "and me" }))
      .data.id;
  });
  afterAll(async () => {
    await fx.stop();
  });

  describe("when reacting to an issue", () => {
    it("answers 201 for a new reaction and 200 with the same one when repeated", async () => {
      const first = await fx.reader.rest.reactions.createForIssue({
        ...at,
        issue_number: issueNumber,
        content: "+1",
      });
      expect(first.status).toBe(201);
      expect(first.data).toMatchObject({
        content: "+1",
        user: { login: "reader" },
        node_id: `REA_${first.data.id}`,
      });
      const again = await fx.reader.rest.reactions.createForIssue({
        ...at,
        issue_number: issueNumber,
        content: "+1",
      });
      expect(again.status).toBe(200);
      expect(again.data.id).toBe(first.data.id);
    });

    it("rolls reactions up on the issue", async () => {
      await fx.dev.rest.reactions.createForIssue({ ...at, issue_number: issueNumber, content: "+1" });
      await fx.dev.rest.reactions.createForIssue({ ...at, issue_number: issueNumber, content: "eyes" });
      const { data } = await fx.dev.rest.issues.get({ ...at, issue_number: issueNumber });
      expect(data.reactions).toMatchObject({
        url: `${fx.sim.url}/repos/acme/app/issues/${issueNumber}/reactions`,
        total_count: 3,
        "+1": 2,
        eyes: 1,
        heart: 0,
      });
    });

    it("lists reactions, filtered by content", async () => {
      const all = await fx.dev.rest.reactions.listForIssue({ ...at, issue_number: issueNumber });
      expect(all.data.map((r) => r.content)).toEqual(["+1", "+1", "eyes"]);
      const eyes = await fx.dev.rest.reactions.listForIssue({
        ...at,
        issue_number: issueNumber,
        content: "eyes",
      });
      expect(eyes.data.map((r) => r.user?.login)).toEqual(["dev"]);
    });

    it("refuses content GitHub does not know with 422", async () => {
      const route: string = "POST /repos/{owner}/{repo}/issues/{issue_number}/reactions";
      const bad = await statusOf(
        fx.dev.request(route, { ...at, issue_number: issueNumber, content: "fire" }),
      );
      expect(bad.status).toBe(422);
      expect(bad.data).toMatchObject({
        errors: [{ resource: "Reaction", field: "content", code: "invalid" }],
      });
      expect(fx.forgiveRequests()).toBe(1);
    });

    it("deletes one's own reaction (204) but not someone else's (403)", async () => {
      const { data: mine } = await fx.dev.rest.reactions.createForIssue({
        ...at,
        issue_number: issueNumber,
        content: "rocket",
      });
      const denied = await statusOf(
        fx.reader.rest.reactions.deleteForIssue({ ...at, issue_number: issueNumber, reaction_id: mine.id }),
      );
      expect(denied.status).toBe(403);
      const deleted = await fx.dev.rest.reactions.deleteForIssue({
        ...at,
        issue_number: issueNumber,
        reaction_id: mine.id,
      });
      expect(deleted.status).toBe(204);
      const gone = await statusOf(
        fx.dev.rest.reactions.deleteForIssue({ ...at, issue_number: issueNumber, reaction_id: mine.id }),
      );
      expect(gone.status).toBe(404);
    });
  });

  describe("when reacting to a comment", () => {
    it("creates, lists, rolls up and deletes comment reactions", async () => {
      const { status, data } = await fx.app.rest.reactions.createForIssueComment({
        ...at,
        comment_id: commentId,
        content: "heart",
      });
      expect(status).toBe(201);
      expect(data.user?.login).toBe("gastown[bot]");
      const listed = await fx.dev.rest.reactions.listForIssueComment({ ...at, comment_id: commentId });
      expect(listed.data.map((r) => r.content)).toEqual(["heart"]);
      const comment = await fx.dev.rest.issues.getComment({ ...at, comment_id: commentId });
      expect(comment.data.reactions).toMatchObject({ total_count: 1, heart: 1 });
      const deleted = await fx.app.rest.reactions.deleteForIssueComment({
        ...at,
        comment_id: commentId,
        reaction_id: data.id,
      });
      expect(deleted.status).toBe(204);
      expect(
        (await fx.dev.rest.reactions.listForIssueComment({ ...at, comment_id: commentId })).data,
      ).toEqual([]);
    });

    it("answers 404 for a comment that does not exist", async () => {
      const missing = await statusOf(
        fx.dev.rest.reactions.createForIssueComment({ ...at, comment_id: 987654, content: "+1" }),
      );
      expect(missing.status).toBe(404);
    });

    it("drops a comment's reactions with the comment", async () => {
      const { data: comment } = await fx.dev.rest.issues.createComment({
        ...at,
        issue_number: issueNumber,
        body: "brief",
      });
      await fx.dev.rest.reactions.createForIssueComment({ ...at, comment_id: comment.id, content: "laugh" });
      const before = fx.repo.reactions.size;
      await fx.dev.rest.issues.deleteComment({ ...at, comment_id: comment.id });
      expect(fx.repo.reactions.size).toBe(before - 1);
    });
  });
});
