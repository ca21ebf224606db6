import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  eventsOf,
  type PullFixture,
  pushFiles,
  startPullFixture,
  statusOf,
} from "../helpers/pull-fixtures.ts";

describe("commit statuses on the loopback GitHub", () => {
  let fx: PullFixture;
  let sha: string;
  beforeEach(async () => {
    fx = await startPullFixture();
    sha = await pushFiles(fx, { branch: "feature", files: { "a.txt": "a\n" } });
  });
  afterEach(async () => {
    await fx.stop();
  });

  const post = (state: "error" | "failure" | "pending" | "success", context: string) =>
    fx.app.rest.repos.createCommitStatus({
      owner: fx.owner,
      repo: fx.name,
      sha,
      state,
      context,
      description: `${context} ${state}`,
    });
  const combined = async (ref = sha) =>
    (await fx.dev.rest.repos.getCombinedStatusForRef({ owner: fx.owner, repo: fx.name, ref })).data;

  describe("when a status is created", () => {
    it("answers 201 with the status and emits a status event naming the branches at that commit", async () => {
      const { status, data } = await post("pending", "ci/test");
      expect(status).toBe(201);
      expect(data).toMatchObject({
        state: "pending",
        context: "ci/test",
        description: "ci/test pending",
        creator: { login: "gastown[bot]" },
      });
      const [event] = eventsOf(fx, "status");
      expect(event?.payload).toMatchObject({
        sha,
        state: "pending",
        context: "ci/test",
        name: "acme/app",
        commit: { sha },
        branches: [{ name: "feature", commit: { sha } }],
      });
    });

    it("refuses an unknown state and an unknown commit with 422", async () => {
      // Typed Octokit would not let "green" through; the sim must still refuse it.
      const route: string = "POST /repos/{owner}/{repo}/statuses/{sha}";
      const badState = await statusOf(
        fx.app.request(route, { owner: fx.owner, repo: fx.name, sha, state: "green" }),
      );
      expect(badState.status).toBe(422);
      // The request broke GitHub's description on purpose; take that finding back.
      expect(fx.sim.contract.drain().map((v) => v.at)).toContain("request body /state");
      const badSha = await statusOf(
        fx.app.rest.repos.createCommitStatus({
          owner: fx.owner,
          repo: fx.name,
          sha: "e".repeat(40),
          state: "success",
        }),
      );
      expect(badSha.status).toBe(422);
    });
  });

  describe("when statuses are read back", () => {
    it("lists every status newest first, by SHA or branch", async () => {
      await post("pending", "ci/test");
      await post("success", "ci/test");
      const { data } = await fx.dev.rest.repos.listCommitStatusesForRef({
        owner: fx.owner,
        repo: fx.name,
        ref: "feature",
      });
      expect(data.map((s) => s.state)).toEqual(["success", "pending"]);
    });

    it("combines the newest per context: failure beats pending beats success, none is pending", async () => {
      expect(await combined()).toMatchObject({ state: "pending", total_count: 0, statuses: [], sha });
      await post("success", "a");
      expect((await combined()).state).toBe("success");
      await post("pending", "b");
      expect((await combined()).state).toBe("pending");
      await post("error", "c");
      expect((await combined("feature")).state).toBe("failure");
      await post("success", "b");
      await post("success", "c");
      const final = await combined();
      expect(final.state).toBe("success");
      expect(final.total_count).toBe(3);
    });
  });

  describe("when a required context is a status", () => {
    it("lets the PR merge once the status succeeds", async () => {
      fx.sim.requireChecks(fx.repo, ["ci/test"]);
      const { data: pull } = await fx.dev.rest.pulls.create({
        owner: fx.owner,
        repo: fx.name,
        head: "feature",
        base: "main",
        title: "t",
      });
      await post("pending", "ci/test");
      expect(
        (
          await statusOf(
            fx.dev.rest.pulls.merge({ owner: fx.owner, repo: fx.name, pull_number: pull.number }),
          )
        ).status,
      ).toBe(405);
      await post("success", "ci/test");
      expect(
        (await fx.dev.rest.pulls.merge({ owner: fx.owner, repo: fx.name, pull_number: pull.number })).data
          .merged,
      ).toBe(true);
    });
  });
});
