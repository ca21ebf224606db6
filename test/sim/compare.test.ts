import type { Octokit } from "@octokit/rest";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitFiles } from "../../src/sim/git.ts";
import type { Sim, SimRepo } from "../../src/sim/index.ts";
import { branchSha, failure, recordRefUpdates, simOctokit } from "../helpers/git-cli.ts";
import { startTestSim } from "../helpers/sim.ts";

const owner = "acme";
const name = "compare-town";

describe("compare API", () => {
  let sim: Sim;
  let repo: SimRepo;
  let octokit: Octokit;
  let base: string;
  let one: string;
  let two: string;
  let other: string;

  const compare = (basehead: string) =>
    octokit.rest.repos.compareCommitsWithBasehead({ owner, repo: name, basehead });

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    sim = await startTestSim();
    repo = await sim.createRepo({ owner, name, files: { "README.md": "one\ntwo\n" } });
    recordRefUpdates(sim);
    octokit = simOctokit(sim, sim.token({ kind: "installation" }));
    base = await branchSha(octokit, owner, name, "main");
    const gitDir = repo.gitDir;
    one = await commitFiles({ gitDir, parent: base, files: { "src/a.ts": "a\n" }, message: "one" });
    two = await commitFiles({
      gitDir,
      parent: one,
      files: { "README.md": "one\n2\n", "src/a.ts": "a\nb\n" },
      message: "two",
    });
    other = await commitFiles({ gitDir, parent: base, files: { "other.txt": "x\n" }, message: "other" });
    await octokit.rest.git.createRef({ owner, repo: name, ref: "refs/heads/polecat/nux", sha: two });
    await octokit.rest.git.createRef({ owner, repo: name, ref: "refs/heads/side", sha: other });
  });
  afterAll(async () => {
    await sim.stop();
    nock.enableNetConnect();
  });

  it("reports a head ahead of its base, with commits oldest first and files since the merge base", async () => {
    const { data } = await compare("main...polecat/nux");
    expect(data).toMatchObject({
      status: "ahead",
      ahead_by: 2,
      behind_by: 0,
      total_commits: 2,
      base_commit: { sha: base },
      merge_base_commit: { sha: base },
      url: `${sim.url}/repos/${owner}/${name}/compare/main...polecat/nux`,
    });
    expect(data.commits.map((c) => [c.sha, c.commit.message])).toEqual([
      [one, "one"],
      [two, "two"],
    ]);
    expect(data.files).toEqual([
      expect.objectContaining({
        filename: "README.md",
        status: "modified",
        additions: 1,
        deletions: 1,
        changes: 2,
      }),
      expect.objectContaining({
        filename: "src/a.ts",
        status: "added",
        additions: 2,
        deletions: 0,
        changes: 2,
      }),
    ]);
    expect(data.files?.[0]?.sha).toMatch(/^[0-9a-f]{40}$/);
  });

  it("reports behind, identical and diverged", async () => {
    expect((await compare("polecat/nux...main")).data).toMatchObject({
      status: "behind",
      ahead_by: 0,
      behind_by: 2,
    });
    expect((await compare("main...main")).data).toMatchObject({
      status: "identical",
      ahead_by: 0,
      behind_by: 0,
    });
    const { data } = await compare(`side...${two}`);
    expect(data).toMatchObject({
      status: "diverged",
      ahead_by: 2,
      behind_by: 1,
      merge_base_commit: { sha: base },
    });
  });

  it("pages the commits when asked", async () => {
    const first = await octokit.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
      owner,
      repo: name,
      basehead: "main...polecat/nux",
      per_page: 1,
    });
    expect(first.data.commits.map((c) => c.sha)).toEqual([one]);
    expect(first.headers.link).toContain('rel="next"');
  });

  it("answers 404 when either side does not exist", async () => {
    expect((await failure(compare("main...ghost"))).status).toBe(404);
    expect((await failure(compare("ghost...main"))).status).toBe(404);
  });
});
