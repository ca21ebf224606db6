import type { Octokit } from "@octokit/rest";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sim, SimRepo } from "../../src/sim/index.ts";
import { branchSha, failure, recordRefUpdates, simOctokit } from "../helpers/git-cli.ts";
import { startTestSim } from "../helpers/sim.ts";

const owner = "acme";
const name = "branch-town";

describe("branches API", () => {
  let sim: Sim;
  let repo: SimRepo;
  let octokit: Octokit;
  let admin: Octokit;
  let main: string;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    sim = await startTestSim();
    repo = await sim.createRepo({ owner, name });
    recordRefUpdates(sim);
    octokit = simOctokit(sim, sim.token({ kind: "installation" }));
    admin = simOctokit(sim, sim.token({ kind: "user", login: owner }));
    main = await branchSha(octokit, owner, name, "main");
    for (const branch of ["polecat/nux", "polecat/slit", "staging", "a", "b"]) {
      await octokit.rest.git.createRef({ owner, repo: name, ref: `refs/heads/${branch}`, sha: main });
    }
  });
  afterAll(async () => {
    await sim.stop();
    nock.enableNetConnect();
  });

  describe("listing", () => {
    it("pages through every branch with Link headers", async () => {
      const first = await octokit.rest.repos.listBranches({ owner, repo: name, per_page: 2 });
      expect(first.data).toHaveLength(2);
      expect(first.headers.link).toContain('rel="next"');
      const all = await octokit.paginate(octokit.rest.repos.listBranches, { owner, repo: name, per_page: 2 });
      expect(all.map((b) => b.name)).toEqual(["a", "b", "main", "polecat/nux", "polecat/slit", "staging"]);
      expect(all[2]).toEqual({
        name: "main",
        commit: { sha: main, url: `${sim.url}/repos/${owner}/${name}/commits/${main}` },
        protected: false,
        protection: {
          enabled: false,
          required_status_checks: { enforcement_level: "off", contexts: [], checks: [] },
        },
        protection_url: `${sim.url}/repos/${owner}/${name}/branches/main/protection`,
      });
    });
  });

  describe("reading one", () => {
    it("answers the branch with its full commit, names with slashes included", async () => {
      const { data } = await octokit.rest.repos.getBranch({ owner, repo: name, branch: "polecat/nux" });
      expect(data).toMatchObject({
        name: "polecat/nux",
        protected: false,
        commit: { sha: main, commit: { message: "Initial commit", tree: { sha: expect.any(String) } } },
        _links: { html: `${sim.url}/${owner}/${name}/tree/polecat/nux` },
      });
    });

    it("answers 404 for a missing branch", async () => {
      expect(await failure(octokit.rest.repos.getBranch({ owner, repo: name, branch: "ghost" }))).toEqual({
        status: 404,
        message: "Branch not found",
      });
    });
  });

  describe("protection", () => {
    it("is 404 'Branch not protected' until an admin sets required checks", async () => {
      expect(
        await failure(octokit.rest.repos.getBranchProtection({ owner, repo: name, branch: "main" })),
      ).toEqual({
        status: 404,
        message: "Branch not protected",
      });
      const set = {
        owner,
        repo: name,
        branch: "main",
        required_status_checks: { strict: true, contexts: ["ci/test", "lint"] },
        enforce_admins: null,
        required_pull_request_reviews: null,
        restrictions: null,
      };
      expect((await failure(octokit.rest.repos.updateBranchProtection(set))).status).toBe(403);
      const { data: put } = await admin.rest.repos.updateBranchProtection(set);
      expect(put.required_status_checks).toMatchObject({ strict: true, contexts: ["ci/test", "lint"] });
      expect(repo.requiredChecks).toEqual(["ci/test", "lint"]);
      expect(repo.requireUpToDate).toBe(true);

      const { data } = await octokit.rest.repos.getBranchProtection({ owner, repo: name, branch: "main" });
      expect(data.required_status_checks).toEqual({
        url: `${sim.url}/repos/${owner}/${name}/branches/main/protection/required_status_checks`,
        strict: true,
        contexts: ["ci/test", "lint"],
        checks: [
          { context: "ci/test", app_id: null },
          { context: "lint", app_id: null },
        ],
        contexts_url: `${sim.url}/repos/${owner}/${name}/branches/main/protection/required_status_checks/contexts`,
      });
      const { data: branch } = await octokit.rest.repos.getBranch({ owner, repo: name, branch: "main" });
      expect(branch.protected).toBe(true);
      expect(branch.protection.required_status_checks?.contexts).toEqual(["ci/test", "lint"]);
      const protectedOnly = await octokit.rest.repos.listBranches({ owner, repo: name, protected: true });
      expect(protectedOnly.data.map((b) => b.name)).toEqual(["main"]);

      await admin.rest.repos.deleteBranchProtection({ owner, repo: name, branch: "main" });
      expect(repo.requiredChecks).toEqual([]);
      expect(
        (await failure(octokit.rest.repos.getBranchProtection({ owner, repo: name, branch: "main" }))).status,
      ).toBe(404);
    });

    it("refuses protection on branches other than the default one", async () => {
      const refused = await failure(
        admin.rest.repos.updateBranchProtection({
          owner,
          repo: name,
          branch: "staging",
          required_status_checks: { strict: false, contexts: ["ci/test"] },
          enforce_admins: null,
          required_pull_request_reviews: null,
          restrictions: null,
        }),
      );
      expect(refused.status).toBe(422);
      expect(refused.message).toContain("default branch");
    });
  });
});
