import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readRequiredChecks } from "../../src/github/checks.ts";
import { startTown, type TestTown } from "../town/helpers.ts";

describe("which checks a branch requires", () => {
  let t: TestTown;
  beforeEach(async () => {
    t = await startTown();
  });
  afterEach(async () => {
    await t.stop();
  });

  it("reads branch protection's status checks first", async () => {
    t.sim.requireChecks(t.repo, ["ci/test", "lint"]);
    expect(await readRequiredChecks(t.town, "main")).toEqual({
      source: "protection",
      checks: ["ci/test", "lint"],
    });
  });

  it("falls back to the rulesets that apply to the branch", async () => {
    t.sim.setRulesets(t.repo, [
      { name: "main rules", branches: ["~DEFAULT_BRANCH"], requiredChecks: ["build"] },
    ]);
    expect(await readRequiredChecks(t.town, "main")).toEqual({ source: "rulesets", checks: ["build"] });
    expect(await readRequiredChecks(t.town, "other")).toEqual({ source: "none", checks: [] });
  });

  it("requires nothing named when neither says anything (every reported check must pass)", async () => {
    expect(await readRequiredChecks(t.town, "main")).toEqual({ source: "none", checks: [] });
  });
});
