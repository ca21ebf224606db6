import type { Octokit } from "@octokit/rest";
import nock from "nock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RefUpdate } from "../../src/sim/context.ts";
import { commitFiles, readCommit } from "../../src/sim/git.ts";
import type { Sim, SimRepo } from "../../src/sim/index.ts";
import { branchSha, failure, recordRefUpdates, simOctokit } from "../helpers/git-cli.ts";
import { startTestSim } from "../helpers/sim.ts";

const owner = "acme";
const name = "merge-town";

describe("merges API", () => {
  let sim: Sim;
  let repo: SimRepo;
  let octokit: Octokit;
  let updates: RefUpdate[];

  /** A branch one commit ahead of main, writing `files`. */
  const branchWith = async (branch: string, files: Record<string, string>): Promise<string> => {
    const main = await branchSha(octokit, owner, name, "main");
    const sha = await commitFiles({ gitDir: repo.gitDir, parent: main, files, message: `work on ${branch}` });
    await octokit.rest.git.createRef({ owner, repo: name, ref: `refs/heads/${branch}`, sha });
    return sha;
  };

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    sim = await startTestSim();
    repo = await sim.createRepo({ owner, name, files: { "shared.txt": "base\n" } });
    octokit = simOctokit(sim, sim.token({ kind: "installation" }));
  });
  afterAll(async () => {
    await sim.stop();
    nock.enableNetConnect();
  });
  beforeEach(() => {
    updates = recordRefUpdates(sim);
  });

  it("writes a merge commit onto the base, moves it and announces the move", async () => {
    const head = await branchWith("feature", { "feature.txt": "f\n" });
    const before = await branchSha(octokit, owner, name, "main");
    const response = await octokit.rest.repos.merge({ owner, repo: name, base: "main", head: "feature" });
    expect(response.status).toBe(201);
    const merged = response.data;
    expect(merged.parents.map((p) => p.sha)).toEqual([before, head]);
    expect(merged.commit.message).toBe("Merge feature into main");
    expect(merged.files?.map((f) => f.filename)).toEqual(["feature.txt"]);
    expect(merged.author?.login).toBe("gastown[bot]");
    expect(await branchSha(octokit, owner, name, "main")).toBe(merged.sha);
    expect(updates.filter((u) => u.ref === "refs/heads/main")).toEqual([
      expect.objectContaining({ repo, ref: "refs/heads/main", before, after: merged.sha }),
    ]);
  });

  it("answers 204 when the base already contains the head", async () => {
    const response = await octokit.rest.repos.merge({ owner, repo: name, base: "main", head: "feature" });
    expect(response.status).toBe(204);
    expect(updates).toEqual([]);
  });

  it("takes a commit SHA as the head and uses the given message", async () => {
    const head = await branchWith("by-sha", { "by-sha.txt": "s\n" });
    const { data } = await octokit.rest.repos.merge({
      owner,
      repo: name,
      base: "main",
      head,
      commit_message: "Land by-sha",
    });
    const info = await readCommit(repo.gitDir, data.sha);
    expect(info?.message).toBe("Land by-sha\n");
    expect(info?.parents[1]).toBe(head);
  });

  it("answers 409 on a conflict and leaves the base alone", async () => {
    await branchWith("left", { "shared.txt": "left\n" });
    await octokit.rest.repos.merge({ owner, repo: name, base: "main", head: "left" });
    const main = await branchSha(octokit, owner, name, "main");
    const right = await commitFiles({
      gitDir: repo.gitDir,
      parent: (await readCommit(repo.gitDir, main))?.parents[0],
      files: { "shared.txt": "right\n" },
      message: "right",
    });
    await octokit.rest.git.createRef({ owner, repo: name, ref: "refs/heads/right", sha: right });
    updates.length = 0;
    expect(
      (await failure(octokit.rest.repos.merge({ owner, repo: name, base: "main", head: "right" }))).status,
    ).toBe(409);
    expect(await branchSha(octokit, owner, name, "main")).toBe(main);
    expect(updates).toEqual([]);
  });

  it("answers 404 for a missing base or head", async () => {
    expect(
      (await failure(octokit.rest.repos.merge({ owner, repo: name, base: "nope", head: "feature" }))).status,
    ).toBe(404);
    expect(
      (await failure(octokit.rest.repos.merge({ owner, repo: name, base: "main", head: "nope" }))).status,
    ).toBe(404);
  });

  it("keeps a head whose required checks have not passed out of a protected base", async () => {
    const head = await branchWith("unchecked", { "unchecked.txt": "u\n" });
    repo.requiredChecks = ["ci/test"];
    try {
      const main = await branchSha(octokit, owner, name, "main");
      expect(
        (await failure(octokit.rest.repos.merge({ owner, repo: name, base: "main", head: "unchecked" })))
          .status,
      ).toBe(409);
      expect(await branchSha(octokit, owner, name, "main")).toBe(main);
      repo.statuses.push({
        id: sim.state.nextId(),
        sha: head,
        state: "success",
        context: "ci/test",
        description: null,
        target_url: null,
        creator: "ci",
        created_at: "2025-01-01T00:00:00Z",
        updated_at: "2025-01-01T00:00:00Z",
      });
      const merged = await octokit.rest.repos.merge({ owner, repo: name, base: "main", head: "unchecked" });
      expect(merged.status).toBe(201);
    } finally {
      repo.requiredChecks = [];
    }
  });

  it("merges concurrently without losing either merge", async () => {
    await branchWith("c1", { "c1.txt": "1\n" });
    await branchWith("c2", { "c2.txt": "2\n" });
    const statuses = await Promise.all(
      ["c1", "c2"].map((head) =>
        octokit.rest.repos.merge({ owner, repo: name, base: "main", head }).then((r) => r.status),
      ),
    );
    expect(statuses).toEqual([201, 201]);
    const { data } = await octokit.rest.repos.getContent({ owner, repo: name, path: "c1.txt" });
    expect(data).toMatchObject({ type: "file" });
    await octokit.rest.repos.getContent({ owner, repo: name, path: "c2.txt" });
  });
});
