import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  eventsOf,
  type PullFixture,
  pushFiles,
  startPullFixture,
  statusOf,
} from "../helpers/pull-fixtures.ts";

describe("pull request reviews on the loopback GitHub", () => {
  let fx: PullFixture;
  let number: number;
  let headSha: string;
  beforeEach(async () => {
    fx = await startPullFixture();
    headSha = await pushFiles(fx, { branch: "feature", files: { "a.txt": "a\n" } });
    const { data } = await fx.dev.rest.pulls.create({
      owner: fx.owner,
      repo: fx.name,
      head: "feature",
      base: "main",
      title: "t",
    });
    number = data.number;
  });
  afterEach(async () => {
    await fx.stop();
  });

  const review = (kit = fx.reviewer, params: Record<string, unknown> = {}) =>
    kit.rest.pulls.createReview({ owner: fx.owner, repo: fx.name, pull_number: number, ...params });

  describe("when another writer approves", () => {
    it("records an APPROVED review on the head and emits pull_request_review.submitted", async () => {
      const { status, data } = await review(fx.reviewer, { event: "APPROVE", body: "LGTM" });
      expect(status).toBe(200);
      expect(data).toMatchObject({
        state: "APPROVED",
        body: "LGTM",
        commit_id: headSha,
        user: { login: "rev" },
        author_association: "COLLABORATOR",
      });
      expect(data.submitted_at).toEqual(expect.any(String));
      const [submitted] = eventsOf(fx, "pull_request_review", "submitted");
      expect(submitted?.payload).toMatchObject({
        review: { id: data.id, state: "approved" },
        pull_request: { number },
      });
      const one = await fx.dev.rest.pulls.getReview({
        owner: fx.owner,
        repo: fx.name,
        pull_number: number,
        review_id: data.id,
      });
      expect(one.data.id).toBe(data.id);
      const list = await fx.dev.rest.pulls.listReviews({
        owner: fx.owner,
        repo: fx.name,
        pull_number: number,
      });
      expect(list.data.map((r) => r.state)).toEqual(["APPROVED"]);
    });
  });

  describe("when the author reviews their own PR", () => {
    it("refuses an approval and a change request with 422", async () => {
      const approve = await statusOf(review(fx.dev, { event: "APPROVE" }));
      expect(approve).toMatchObject({ status: 422, errors: ["Can not approve your own pull request"] });
      const changes = await statusOf(review(fx.dev, { event: "REQUEST_CHANGES", body: "hm" }));
      expect(changes.status).toBe(422);
      expect((await review(fx.dev, { event: "COMMENT", body: "note to self" })).data.state).toBe("COMMENTED");
    });
  });

  describe("when changes are requested without a body", () => {
    it("answers 422", async () => {
      expect((await statusOf(review(fx.reviewer, { event: "REQUEST_CHANGES" }))).status).toBe(422);
    });
  });

  describe("when a review is left pending", () => {
    it("is visible only to its author until submitted", async () => {
      const { data: pending } = await review(fx.reviewer, { body: "draft thoughts" });
      expect(pending.state).toBe("PENDING");
      const asAuthor = await fx.dev.rest.pulls.listReviews({
        owner: fx.owner,
        repo: fx.name,
        pull_number: number,
      });
      expect(asAuthor.data).toEqual([]);
      const { data: submitted } = await fx.reviewer.rest.pulls.submitReview({
        owner: fx.owner,
        repo: fx.name,
        pull_number: number,
        review_id: pending.id,
        event: "APPROVE",
      });
      expect(submitted.state).toBe("APPROVED");
      expect(eventsOf(fx, "pull_request_review", "submitted")).toHaveLength(1);
    });
  });

  describe("when a review is dismissed", () => {
    it("becomes DISMISSED and emits pull_request_review.dismissed", async () => {
      const { data } = await review(fx.reviewer, { event: "REQUEST_CHANGES", body: "please fix" });
      const { data: dismissed } = await fx.admin.rest.pulls.dismissReview({
        owner: fx.owner,
        repo: fx.name,
        pull_number: number,
        review_id: data.id,
        message: "fixed meanwhile",
      });
      expect(dismissed.state).toBe("DISMISSED");
      expect(eventsOf(fx, "pull_request_review", "dismissed")).toHaveLength(1);
      const comment = await review(fx.reviewer, { event: "COMMENT", body: "fyi" });
      const refused = await statusOf(
        fx.admin.rest.pulls.dismissReview({
          owner: fx.owner,
          repo: fx.name,
          pull_number: number,
          review_id: comment.data.id,
          message: "x",
        }),
      );
      expect(refused.status).toBe(422);
    });
  });

  describe("when the default branch requires an approval", () => {
    it("blocks the merge until a writer approves and unblocks after", async () => {
      fx.sim.requireChecks(fx.repo, [], { approvals: 1 });
      const blocked = await fx.dev.rest.pulls.get({ owner: fx.owner, repo: fx.name, pull_number: number });
      expect(blocked.data.mergeable_state).toBe("blocked");
      const refused = await statusOf(
        fx.dev.rest.pulls.merge({ owner: fx.owner, repo: fx.name, pull_number: number }),
      );
      expect(refused).toMatchObject({
        status: 405,
        message: "At least 1 approving review is required by reviewers with write access.",
      });
      await review(fx.reviewer, { event: "APPROVE" });
      const clean = await fx.dev.rest.pulls.get({ owner: fx.owner, repo: fx.name, pull_number: number });
      expect(clean.data.mergeable_state).toBe("clean");
      expect(
        (await fx.dev.rest.pulls.merge({ owner: fx.owner, repo: fx.name, pull_number: number })).data.merged,
      ).toBe(true);
    });
  });
});
