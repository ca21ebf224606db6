import { describe, expect, it } from "vitest";
import { refineryTrigger } from "../../src/app/handlers/refinery.ts";

const base = { queueLabel: "gt/queue", base: null };

describe("which events tick the refinery", () => {
  it("ticks on a pull request's lifecycle and reviews", () => {
    for (const action of ["opened", "synchronize", "closed", "ready_for_review", "dequeued"]) {
      expect(refineryTrigger({ ...base, event: "pull_request", payload: { action } })).toEqual({
        tick: true,
      });
    }
    expect(
      refineryTrigger({ ...base, event: "pull_request_review", payload: { action: "submitted" } }),
    ).toEqual({ tick: true });
  });

  it("reads removing the queue label as a /dequeue by whoever removed it", () => {
    const trigger = refineryTrigger({
      ...base,
      event: "pull_request",
      payload: {
        action: "unlabeled",
        label: { name: "gt/queue" },
        pull_request: { number: 12 },
        sender: { login: "ada" },
      },
    });
    expect(trigger).toEqual({ tick: true, intents: { dequeue: [{ pr: 12, by: "ada" }] } });
  });

  it("ignores other labels, its own check runs and statuses, and pending statuses", () => {
    expect(
      refineryTrigger({
        ...base,
        event: "pull_request",
        payload: { action: "labeled", label: { name: "bug" } },
      }).tick,
    ).toBe(false);
    expect(
      refineryTrigger({
        ...base,
        event: "check_run",
        payload: { action: "completed", check_run: { name: "gastown/refinery" } },
      }).tick,
    ).toBe(false);
    expect(
      refineryTrigger({
        ...base,
        event: "check_run",
        payload: { action: "completed", check_run: { name: "ci/test" } },
      }).tick,
    ).toBe(true);
    expect(
      refineryTrigger({ ...base, event: "status", payload: { context: "ci", state: "pending" } }).tick,
    ).toBe(false);
    expect(
      refineryTrigger({ ...base, event: "status", payload: { context: "ci", state: "success" } }).tick,
    ).toBe(true);
  });

  it("reads CI's workflow runs, not the polecats'", () => {
    const run = (path: string) =>
      refineryTrigger({
        ...base,
        polecatWorkflow: "polecat.yml",
        event: "workflow_run",
        payload: { action: "completed", workflow_run: { path } },
      }).tick;
    expect(run(".github/workflows/ci.yml")).toBe(true);
    expect(run(".github/workflows/polecat.yml")).toBe(false);
  });

  it("ticks on pushes to the base only (its own staging pushes would loop)", () => {
    const push = (ref: string) =>
      refineryTrigger({ ...base, event: "push", payload: { ref, repository: { default_branch: "main" } } })
        .tick;
    expect(push("refs/heads/main")).toBe(true);
    expect(push("refs/heads/gastown/staging")).toBe(false);
    expect(push("refs/heads/feature")).toBe(false);
  });
});
