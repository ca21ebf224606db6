import { describe, expect, it } from "vitest";
import { checkCiCoverage, globMatches } from "../../../src/model/merge-queue/ci-coverage.ts";

const base = { staging: "gastown/staging", base: "main" };

describe("GitHub's branch globs", () => {
  it.each([
    ["main", "main", true],
    ["gastown/*", "gastown/staging", true],
    ["gastown/*", "gastown/a/b", false],
    ["**", "gastown/staging", true],
    ["release-?", "release-1", true],
    ["main", "gastown/staging", false],
  ])("%s against %s → %s", (pattern, name, expected) => {
    expect(globMatches(pattern, name)).toBe(expected);
  });
});

describe("whether CI runs where the refinery tests", () => {
  it("finds a workflow that pushes on the staging branch in batch mode", () => {
    const coverage = checkCiCoverage({
      ...base,
      mode: "batch",
      workflows: [
        { path: ".github/workflows/lint.yml", on: { pull_request: {} } },
        { path: ".github/workflows/ci.yml", on: { push: { branches: ["main", "gastown/*"] } } },
      ],
    });
    expect(coverage).toEqual({
      covered: true,
      by: [".github/workflows/ci.yml"],
      summary: "CI runs where the refinery tests (.github/workflows/ci.yml)",
    });
  });

  it("says what to add when pushes to staging run nothing", () => {
    const coverage = checkCiCoverage({
      ...base,
      mode: "batch",
      workflows: [
        { path: "ci.yml", on: { push: { branches: ["main", "!gastown/**", "gastown/**"] } } },
        { path: "other.yml", on: { push: { "branches-ignore": ["gastown/*"] } } },
      ],
    });
    expect(coverage.covered).toBe(true);
    const none = checkCiCoverage({
      ...base,
      mode: "batch",
      workflows: [{ path: "ci.yml", on: ["pull_request"] }],
    });
    expect(none.summary).toBe(
      "No workflow in .github/workflows runs on pushes to gastown/staging: add it under on.push.branches, so the refinery's batch mode would wait for checks forever",
    );
  });

  it("needs pull requests in direct mode and merge groups in native mode", () => {
    expect(
      checkCiCoverage({ ...base, mode: "direct", workflows: [{ path: "a", on: "pull_request" }] }).covered,
    ).toBe(true);
    expect(
      checkCiCoverage({ ...base, mode: "native", workflows: [{ path: "a", on: ["pull_request"] }] }).covered,
    ).toBe(false);
    expect(
      checkCiCoverage({ ...base, mode: "native", workflows: [{ path: "a", on: { merge_group: null } }] })
        .covered,
    ).toBe(true);
  });
});
