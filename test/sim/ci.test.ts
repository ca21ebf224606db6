import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { branchMatches, tail } from "../../src/sim/ci.ts";
import {
  eventsOf,
  type PullFixture,
  pushFiles,
  startPullFixture,
  statusOf,
} from "../helpers/pull-fixtures.ts";

describe("branchMatches", () => {
  it("matches `*` within a path segment and `**` across segments", () => {
    expect(branchMatches(["main"], "main")).toBe(true);
    expect(branchMatches(["gastown/*"], "gastown/staging")).toBe(true);
    expect(branchMatches(["gastown/*"], "gastown/a/b")).toBe(false);
    expect(branchMatches(["gastown/**"], "gastown/a/b")).toBe(true);
    expect(branchMatches(["main", "release-*"], "release-1.2")).toBe(true);
    expect(branchMatches(["main"], "mainline")).toBe(false);
  });
});

describe("tail", () => {
  it("keeps the last 200 lines of a long log", () => {
    const log = Array.from({ length: 500 }, (_, i) => `line ${i}`).join("\n");
    const kept = tail(log).split("\n");
    expect(kept).toHaveLength(200);
    expect(kept[0]).toBe("line 300");
    expect(kept.at(-1)).toBe("line 499");
  });
});

// The command the repo's CI runs: prints its environment, then passes when ok.txt says "ok".
const SCRIPT =
  'echo "sha=$GITHUB_SHA ref=$GITHUB_REF event=$GITHUB_EVENT_NAME"; test "$(cat ok.txt 2>/dev/null)" = ok';

describe("CI on the loopback GitHub", () => {
  let fx: PullFixture;
  beforeEach(async () => {
    fx = await startPullFixture();
    fx.sim.setCi(fx.repo, {
      name: "ci/test",
      command: ["sh", "-c", SCRIPT],
      branches: ["main", "gastown/*"],
    });
  });
  afterEach(async () => {
    await fx.stop();
  });

  const runsFor = async (ref: string) =>
    (await fx.dev.rest.checks.listForRef({ owner: fx.owner, repo: fx.name, ref, filter: "all" })).data
      .check_runs;

  describe("when a push to a CI branch passes the command", () => {
    it("reports a successful ci/test run by github-actions with the log's tail", async () => {
      const sha = await pushFiles(fx, { branch: "gastown/staging", files: { "ok.txt": "ok" } });
      await fx.sim.idle();
      const [run, ...rest] = await runsFor(sha);
      expect(rest).toEqual([]);
      expect(run).toMatchObject({
        name: "ci/test",
        status: "completed",
        conclusion: "success",
        app: { slug: "github-actions" },
        output: { title: "ci/test passed" },
      });
      expect(run?.output.text).toContain(`sha=${sha} ref=refs/heads/gastown/staging event=push`);
      expect(eventsOf(fx, "check_run", "created")).toHaveLength(1);
      expect(eventsOf(fx, "check_run", "completed")[0]?.sender).toBe("github-actions[bot]");
      expect(eventsOf(fx, "check_suite", "completed")[0]?.payload).toMatchObject({
        check_suite: { conclusion: "success" },
      });
    });
  });

  describe("when the command exits non-zero", () => {
    it("reports a failed run with the exit code", async () => {
      const sha = await pushFiles(fx, { branch: "main", files: { "ok.txt": "no" } });
      await fx.sim.idle();
      const [run] = await runsFor(sha);
      expect(run).toMatchObject({ conclusion: "failure", output: { title: "ci/test failed" } });
      expect(run?.output.summary).toContain("exited with code 1");
    });
  });

  describe("when a push goes to a branch CI does not watch", () => {
    it("runs nothing", async () => {
      const sha = await pushFiles(fx, { branch: "scratch", files: { "ok.txt": "ok" } });
      await fx.sim.idle();
      expect(await runsFor(sha)).toEqual([]);
    });
  });

  describe("when a PR is opened and then synchronized", () => {
    it("tests each head once, reported on the head SHA", async () => {
      const first = await pushFiles(fx, { branch: "feature", files: { "ok.txt": "no" } });
      const { data: pull } = await fx.dev.rest.pulls.create({
        owner: fx.owner,
        repo: fx.name,
        head: "feature",
        base: "main",
        title: "t",
      });
      await fx.sim.idle();
      const [failed] = await runsFor(first);
      expect(failed).toMatchObject({ conclusion: "failure" });
      expect(failed?.output.text).toContain(`ref=refs/pull/${pull.number}/head event=pull_request`);
      const second = await pushFiles(fx, { branch: "feature", files: { "ok.txt": "ok" } });
      await fx.sim.idle();
      expect((await runsFor(second)).map((r) => r.conclusion)).toEqual(["success"]);
    });
  });

  describe("when CI is required on the default branch", () => {
    it("blocks the merge while CI fails and allows it once a fix passes", async () => {
      fx.sim.requireChecks(fx.repo, ["ci/test"]);
      await pushFiles(fx, { branch: "feature", files: { "ok.txt": "broken" } });
      const { data: pull } = await fx.dev.rest.pulls.create({
        owner: fx.owner,
        repo: fx.name,
        head: "feature",
        base: "main",
        title: "t",
      });
      await fx.sim.idle();
      const refused = await statusOf(
        fx.dev.rest.pulls.merge({ owner: fx.owner, repo: fx.name, pull_number: pull.number }),
      );
      expect(refused).toMatchObject({ status: 405, message: 'Required status check "ci/test" is failing.' });
      const fixed = await pushFiles(fx, { branch: "feature", files: { "ok.txt": "ok" } });
      await fx.sim.idle();
      const { data } = await fx.dev.rest.pulls.merge({
        owner: fx.owner,
        repo: fx.name,
        pull_number: pull.number,
        sha: fixed,
      });
      expect(data.merged).toBe(true);
    });
  });

  describe("when a finished CI run is re-requested", () => {
    it("runs the command again on the same commit", async () => {
      const sha = await pushFiles(fx, { branch: "main", files: { "ok.txt": "ok" } });
      await fx.sim.idle();
      const [first] = await runsFor(sha);
      const again = await fx.app.rest.checks.rerequestRun({
        owner: fx.owner,
        repo: fx.name,
        check_run_id: first?.id ?? 0,
      });
      expect(again.status).toBe(201);
      await fx.sim.idle();
      expect((await runsFor(sha)).map((r) => r.conclusion)).toEqual(["success", "success"]);
    });
  });

  describe("when the command runs past the timeout", () => {
    it("kills it, with what it started, and concludes timed_out", async () => {
      fx.sim.setCi(fx.repo, {
        name: "ci/test",
        command: ["sh", "-c", "sleep 600"],
        branches: ["main"],
        timeoutMs: 200,
      });
      const sha = await pushFiles(fx, { branch: "main", files: { "ok.txt": "ok" } });
      await fx.sim.idle();
      const [run] = await runsFor(sha);
      expect(run).toMatchObject({ status: "completed", conclusion: "timed_out" });
      expect(run?.output.summary).toContain("ran past the CI timeout");
    });
  });

  describe("when CI is switched off", () => {
    it("runs nothing on later pushes", async () => {
      fx.sim.setCi(fx.repo, undefined);
      const sha = await pushFiles(fx, { branch: "main", files: { "ok.txt": "ok" } });
      await fx.sim.idle();
      expect(await runsFor(sha)).toEqual([]);
    });
  });
});
