import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_REFINERY_SETTINGS } from "../../../src/town/refinery/index.ts";
import { checkRefineryCi } from "../../../src/town/refinery/doctor.ts";
import { startTown, type TestTown } from "../helpers.ts";

const CI = `name: ci
on:
  push:
    branches: [main, "gastown/**"]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    steps: [{ run: "npm test" }]
`;

describe("gt doctor's refinery check", () => {
  let t: TestTown;
  beforeEach(async () => {
    t = await startTown({
      files: { ".github/workflows/ci.yml": CI, ".github/workflows/broken.yml": "on: [push\n" },
    });
  });
  afterEach(async () => {
    await t.stop();
  });

  it("finds the workflow that runs on the staging branch (and skips one GitHub could not read)", async () => {
    const coverage = await checkRefineryCi(t.town, DEFAULT_REFINERY_SETTINGS);
    expect(coverage).toEqual({
      covered: true,
      by: [".github/workflows/ci.yml"],
      summary: "CI runs where the refinery tests (.github/workflows/ci.yml)",
    });
  });

  it("warns that native mode needs on: merge_group", async () => {
    const coverage = await checkRefineryCi(t.town, { ...DEFAULT_REFINERY_SETTINGS, mode: "native" });
    expect(coverage.covered).toBe(false);
    expect(coverage.summary).toContain("merge groups: add on.merge_group");
  });
});
