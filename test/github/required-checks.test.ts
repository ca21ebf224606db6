import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readRequiredChecks } from "../../src/github/checks.ts";
import { createOctokit } from "../../src/github/octokit.ts";
import type { SimRepo } from "../../src/sim/index.ts";
import type { TownContext } from "../../src/town/context.ts";
import { startTestSim, type TestSim } from "../helpers/sim.ts";

describe("which checks a branch requires", () => {
  let sim: TestSim;
  let repo: SimRepo;
  let town: TownContext;
  beforeEach(async () => {
    sim = await startTestSim();
    repo = await sim.createRepo({ owner: "acme", name: "rig", files: { "README.md": "# rig\n" } });
    town = {
      octokit: createOctokit({
        baseUrl: sim.url,
        auth: sim.token({ kind: "installation" }),
        retry: false,
        throttle: false,
      }),
      repo: { owner: "acme", repo: "rig" },
    };
  });
  afterEach(async () => {
    await sim.stop();
  });

  it("reads branch protection's status checks first", async () => {
    sim.requireChecks(repo, ["ci/test", "lint"]);
    expect(await readRequiredChecks(town, "main")).toEqual({
      source: "protection",
      checks: ["ci/test", "lint"],
    });
  });

  it("falls back to the rulesets that apply to the branch", async () => {
    sim.setRulesets(repo, [{ name: "main rules", branches: ["~DEFAULT_BRANCH"], requiredChecks: ["build"] }]);
    expect(await readRequiredChecks(town, "main")).toEqual({ source: "rulesets", checks: ["build"] });
    expect(await readRequiredChecks(town, "other")).toEqual({ source: "none", checks: [] });
  });

  it("requires nothing named when neither says anything (every reported check must pass)", async () => {
    expect(await readRequiredChecks(town, "main")).toEqual({ source: "none", checks: [] });
  });
});
