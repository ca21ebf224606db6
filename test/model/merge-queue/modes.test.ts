import { describe, expect, it } from "vitest";
import { decideDirect, decideNative, type DirectInput } from "../../../src/model/merge-queue/index.ts";
import { entry, sha } from "./fixtures.ts";

const queued = entry(12);
const head = queued.headSha;

const direct = (fields: Partial<DirectInput> = {}): DirectInput => ({
  entry: queued,
  pr: { state: "open", merged: false, headSha: head },
  ownUpdates: [],
  base: "main",
  baseSha: sha(1, "b"),
  behindBase: false,
  mergeable: true,
  required: ["test"],
  reports: [{ name: "test", sha: head, state: "success" }],
  retried: 0,
  retryFlaky: 1,
  ...fields,
});

describe("decideDirect", () => {
  const updated = sha(99, "u");
  it.each([
    ["the checks passed on the queued head", {}, { kind: "merge", sha: head }],
    ["the branch is behind the base", { behindBase: true }, { kind: "update-branch", expectedHeadSha: head }],
    ["GitHub is still computing mergeability", { mergeable: null }, { kind: "wait" }],
    ["the checks are pending", { reports: [] }, { kind: "wait", reason: "waiting for test" }],
    [
      "a check failed with a re-run left",
      { reports: [{ name: "test", sha: head, state: "failure" }] },
      { kind: "rerun" },
    ],
    [
      "a check failed after the re-run",
      { retried: 1, reports: [{ name: "test", sha: head, state: "failure" }] },
      { kind: "remove", cause: { kind: "checks-failed", sha: head, checks: ["test"] } },
    ],
    ["it conflicts", { mergeable: false }, { kind: "remove", cause: { kind: "conflict" } }],
    [
      "someone pushed after it was queued",
      { pr: { state: "open", merged: false, headSha: sha(5, "x") } },
      { kind: "remove", cause: { kind: "head-changed" } },
    ],
    [
      "the head is the refinery's own branch update and passed",
      {
        pr: { state: "open", merged: false, headSha: updated },
        ownUpdates: [updated],
        reports: [{ name: "test", sha: updated, state: "success" }],
      },
      { kind: "merge", sha: updated },
    ],
    [
      "the checks passed only on the old head after an update",
      { pr: { state: "open", merged: false, headSha: updated }, ownUpdates: [updated] },
      { kind: "wait" },
    ],
    [
      "the PR was closed",
      { pr: { state: "closed", merged: false, headSha: head } },
      { kind: "remove", cause: { kind: "closed" } },
    ],
    [
      "it is already merged",
      { pr: { state: "closed", merged: true, headSha: head, mergedSha: "m" } },
      { kind: "merged", sha: "m" },
    ],
  ] as const)("when %s", (_name, fields, expected) => {
    expect(decideDirect(direct(fields as Partial<DirectInput>))).toMatchObject(expected);
  });
});

describe("decideNative", () => {
  const open = { state: "open", merged: false, headSha: head } as const;
  const base = { base: "main", baseSha: sha(1, "b") };

  it("enqueues with the queued head as the expected head, and jumps for P0", () => {
    expect(decideNative({ entry: queued, pr: open, queue: { kind: "absent" }, ...base })).toEqual({
      kind: "enqueue",
      expectedHeadOid: head,
      jump: false,
    });
    const urgent = entry(12, { override: { priority: 0, by: "ada" } });
    expect(decideNative({ entry: urgent, pr: open, queue: { kind: "absent" }, ...base })).toMatchObject({
      jump: true,
    });
  });

  it("mirrors the position while GitHub holds it", () => {
    expect(
      decideNative({
        entry: queued,
        pr: open,
        queue: { kind: "queued", position: 2, testing: true },
        ...base,
      }),
    ).toEqual({
      kind: "mirror",
      position: 2,
      testing: true,
    });
  });

  it.each([
    ["MERGE_CONFLICT", "conflict"],
    ["CI_FAILURE", "checks-failed"],
    ["CI_TIMEOUT", "checks-failed"],
    ["BRANCH_PROTECTIONS", "merge-queue"],
  ] as const)("explains GitHub's %s dequeue as %s", (reason, kind) => {
    const decision = decideNative({
      entry: queued,
      pr: open,
      queue: { kind: "absent", dequeueReason: reason },
      ...base,
    });
    expect(decision).toMatchObject({ kind: "remove", cause: { kind }, dequeue: false });
  });

  it("dequeues a PR whose head moved after it was queued", () => {
    const moved = { ...open, headSha: sha(5, "x") };
    expect(
      decideNative({
        entry: queued,
        pr: moved,
        queue: { kind: "queued", position: 1, testing: false },
        ...base,
      }),
    ).toMatchObject({ kind: "remove", cause: { kind: "head-changed" }, dequeue: true });
  });
});
