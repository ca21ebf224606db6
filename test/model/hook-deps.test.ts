import { describe, expect, it } from "vitest";
import {
  type BlockedByGraph,
  findCycleForEdge,
  findCycles,
  formatCycle,
  renderDependencyTree,
} from "../../src/model/deps.ts";
import { unwrap } from "../../src/model/errors.ts";
import {
  beadFromHookRef,
  decodeHolder,
  describeHolder,
  encodeHolder,
  type HookHolder,
  hookRef,
} from "../../src/model/hook.ts";
import { canCommandTown, hasPermission } from "../../src/model/permission.ts";
import { REDACTED, redactSecrets } from "../../src/model/redact.ts";

describe("hook holder records", () => {
  const holder: HookHolder = { polecat: "rust", bead: 12, attempt: 2, run: 9001, at: "2026-01-10T12:00:00Z" };

  it("encode to a tag message and decode back", () => {
    const message = encodeHolder(holder);
    expect(message).toBe(
      'gastown hook v1\n{"polecat":"rust","bead":12,"attempt":2,"run":9001,"at":"2026-01-10T12:00:00Z"}\n',
    );
    expect(unwrap(decodeHolder(message))).toEqual(holder);
    const { run: _run, ...withoutRun } = holder;
    expect(unwrap(decodeHolder(encodeHolder(withoutRun)))).toEqual(withoutRun);
  });

  it("refuse a damaged record with a hint instead of throwing", () => {
    for (const message of [
      "",
      "hello",
      "gastown hook v1\n{",
      'gastown hook v1\n{"polecat":"","bead":1,"attempt":1,"at":"x"}',
    ]) {
      const result = decodeHolder(message);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.hint).toContain("gt hook detach");
    }
  });

  it("name their ref and read it back", () => {
    expect(hookRef(12)).toBe("refs/gastown/hooks/12");
    expect(beadFromHookRef("refs/gastown/hooks/12")).toBe(12);
    expect(beadFromHookRef("refs/heads/main")).toBeNull();
  });

  it("describe the holder for people", () => {
    expect(describeHolder(holder)).toBe("rust (attempt 2, run 9001) since 2026-01-10T12:00:00Z");
  });
});

describe("findCycleForEdge", () => {
  // 2 is blocked by 3, 3 by 4.
  const graph: BlockedByGraph = new Map([
    [2, [3]],
    [3, [4]],
  ]);

  describe("when the new edge closes a loop", () => {
    it("returns the cycle starting and ending at the blocked bead", () => {
      // 4 blocked by 2 → 4 → 2 → 3 → 4
      expect(findCycleForEdge(graph, { blocked: 4, blocker: 2 })).toEqual([4, 2, 3, 4]);
      expect(formatCycle([4, 2, 3, 4])).toBe("#4 → #2 → #3 → #4");
    });

    it("finds the direct two-bead loop", () => {
      expect(findCycleForEdge(graph, { blocked: 3, blocker: 2 })).toEqual([3, 2, 3]);
    });

    it("treats a self-edge as a cycle", () => {
      expect(findCycleForEdge(graph, { blocked: 5, blocker: 5 })).toEqual([5, 5]);
    });
  });

  describe("when the edge is safe", () => {
    it("returns null", () => {
      expect(findCycleForEdge(graph, { blocked: 1, blocker: 2 })).toBeNull();
      expect(findCycleForEdge(graph, { blocked: 2, blocker: 4 })).toBeNull();
    });
  });
});

describe("findCycles", () => {
  it("reports each cycle once, from its smallest bead", () => {
    const graph: BlockedByGraph = new Map([
      [1, [2]],
      [2, [3]],
      [3, [1]],
      [4, [4]],
      [5, [1]],
    ]);
    expect(findCycles(graph)).toEqual([
      [1, 2, 3, 1],
      [4, 4],
    ]);
    expect(findCycles(new Map([[1, [2]]]))).toEqual([]);
  });
});

describe("renderDependencyTree", () => {
  const children: Record<number, number[]> = { 1: [2, 3], 2: [4], 3: [4, 1], 4: [] };
  const options = { children: (n: number) => children[n] ?? [], label: (n: number) => `#${n}` };

  it("draws the tree, marking repeats and cycles", () => {
    expect(renderDependencyTree(1, options).join("\n")).toMatchInlineSnapshot(`
      "#1
      ├── #2
      │   └── #4
      └── #3
          ├── #4 (shown above)
          └── #1 (cycle)"
    `);
  });

  it("stops at the maximum depth", () => {
    expect(renderDependencyTree(1, { ...options, maxDepth: 1 })).toEqual(["#1", "├── #2", "└── #3"]);
  });
});

describe("permissions", () => {
  it("let write, maintain and admin command the town", () => {
    expect(
      ["none", "read", "triage", "write", "maintain", "admin"].map((l) => canCommandTown(l as never)),
    ).toEqual([false, false, false, true, true, true]);
    expect(hasPermission("triage", "read")).toBe(true);
  });
});

describe("redactSecrets", () => {
  it("removes GitHub token shapes, auth headers, URL credentials and given secrets", () => {
    const text = [
      "token ghp_abcdefghijklmnopqrstuvwxyz0123456789",
      "fine github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
      "install ghs_1234567890abcdefghij",
      "Authorization: token abc.def",
      "clone https://x-access-token:s3cr3t-value@github.com/acme/app.git",
      "custom my-own-secret-value",
    ].join("\n");
    const out = redactSecrets(text, ["my-own-secret-value"]);
    expect(out).not.toMatch(/ghp_|github_pat_|ghs_|abc\.def|s3cr3t|my-own-secret/);
    expect(out).toContain(`Authorization: ${REDACTED}`);
    expect(out).toContain(`https://x-access-token:${REDACTED}@github.com/acme/app.git`);
  });

  it("leaves ordinary text alone", () => {
    expect(redactSecrets("ghp is a prefix; v1.0 shipped", ["short"])).toBe("ghp is a prefix; v1.0 shipped");
  });
});
