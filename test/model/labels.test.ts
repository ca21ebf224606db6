import { describe, expect, it } from "vitest";
import {
  classifyLabel,
  createTaxonomy,
  defaultTaxonomy,
  LABEL_DESCRIPTION_MAX,
  planLabels,
  taxonomyLabels,
  validateLabelName,
} from "../../src/model/labels.ts";
import { parseBeadStatus, parseBeadType, parsePriority } from "../../src/model/vocabulary.ts";

describe("the label taxonomy", () => {
  it("has every status, priority and type label with a colour and a description GitHub accepts", () => {
    const labels = taxonomyLabels();
    expect(labels.map((l) => l.name)).toEqual([
      "status/hooked",
      "status/in-progress",
      "status/blocked",
      "status/deferred",
      "status/pinned",
      "priority/p0",
      "priority/p1",
      "priority/p2",
      "priority/p3",
      "priority/p4",
      "type/task",
      "type/bug",
      "type/feature",
      "type/chore",
      "type/epic",
      "type/molecule",
      "type/step",
      "type/wisp",
      "type/mailbox",
      "type/escalation",
      "type/gate",
      "gt/sling",
    ]);
    for (const label of labels) {
      expect(label.color).toMatch(/^[0-9a-f]{6}$/);
      expect(label.description.length).toBeGreaterThan(0);
      expect(label.description.length).toBeLessThanOrEqual(LABEL_DESCRIPTION_MAX);
      expect(validateLabelName(label.name)).toBeNull();
    }
  });

  it("classifies labels by role, ignoring case", () => {
    expect(classifyLabel("STATUS/Hooked")).toEqual({ kind: "status", status: "hooked" });
    expect(classifyLabel("priority/p3")).toEqual({ kind: "priority", priority: 3 });
    expect(classifyLabel("type/gate")).toEqual({ kind: "type", type: "gate" });
    expect(classifyLabel("gt/sling")).toEqual({ kind: "sling" });
    expect(classifyLabel("bug")).toEqual({ kind: "other" });
  });

  describe("when names are configured", () => {
    it("uses them and keeps the defaults elsewhere", () => {
      const result = createTaxonomy({ status: { hooked: "on-hook" }, sling: "sling-me" });
      expect(result.ok && result.value.status.hooked).toBe("on-hook");
      expect(result.ok && result.value.status.blocked).toBe(defaultTaxonomy.status.blocked);
      expect(result.ok && taxonomyLabels(result.value).at(-1)?.name).toBe("sling-me");
    });

    it("refuses a name used for two roles", () => {
      const result = createTaxonomy({ type: { bug: "priority/p0" } });
      expect(result.ok).toBe(false);
      if (!result.ok)
        expect(result.error.message).toContain('"priority/p0" is configured for two different roles');
    });

    it("refuses a name over 50 characters", () => {
      const result = createTaxonomy({ sling: "x".repeat(51) });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe("too-long");
    });
  });
});

describe("validateLabelName", () => {
  it("says how long the name is, the limit, and what to do", () => {
    const error = validateLabelName("a".repeat(51));
    expect(error?.message).toBe(`Label "${"a".repeat(51)}" is 51 characters long; GitHub allows at most 50.`);
    expect(error?.hint).toBe("Shorten the label name to 50 characters or fewer.");
  });

  it("accepts exactly 50 characters and refuses an empty name", () => {
    expect(validateLabelName("a".repeat(50))).toBeNull();
    expect(validateLabelName("  ")?.code).toBe("bad-input");
  });
});

describe("planLabels", () => {
  const desired = [
    { name: "status/hooked", color: "5319E7", description: "On a hook" },
    { name: "type/bug", color: "#d73a4a", description: "Broken" },
    { name: "priority/p0", color: "b60205", description: "Critical" },
  ];

  describe("when the repo has none of them", () => {
    it("creates each, with normalised colours", () => {
      expect(planLabels(desired, [])).toEqual([
        { op: "create", label: { name: "status/hooked", color: "5319e7", description: "On a hook" } },
        { op: "create", label: { name: "type/bug", color: "d73a4a", description: "Broken" } },
        { op: "create", label: { name: "priority/p0", color: "b60205", description: "Critical" } },
      ]);
    });
  });

  describe("when the repo has them with other colours, descriptions or case", () => {
    it("updates only what differs, naming the changes", () => {
      const actual = [
        { name: "Status/Hooked", color: "5319e7", description: "On a hook" },
        { name: "type/bug", color: "ffffff", description: "" },
        { name: "priority/p0", color: "B60205", description: "Critical" },
      ];
      expect(planLabels(desired, actual)).toEqual([
        {
          op: "update",
          name: "Status/Hooked",
          label: { name: "status/hooked", color: "5319e7", description: "On a hook" },
          changes: ["name"],
        },
        {
          op: "update",
          name: "type/bug",
          label: { name: "type/bug", color: "d73a4a", description: "Broken" },
          changes: ["color", "description"],
        },
      ]);
    });
  });

  describe("when the repo already matches", () => {
    it("plans nothing", () => {
      expect(planLabels(desired, desired)).toEqual([]);
    });
  });

  describe("when the repo has labels of its own", () => {
    it("leaves them by default and deletes them only with prune", () => {
      const actual = [...desired, { name: "wontfix", color: "ffffff", description: "" }];
      expect(planLabels(desired, actual)).toEqual([]);
      expect(planLabels(desired, actual, { prune: true })).toEqual([{ op: "delete", name: "wontfix" }]);
    });
  });
});

describe("vocabulary parsers", () => {
  it("parse priorities, types and statuses as people write them", () => {
    expect(parsePriority("P1")).toEqual({ ok: true, value: 1 });
    expect(parsePriority("priority/p4")).toEqual({ ok: true, value: 4 });
    expect(parseBeadType("Enhancement")).toEqual({ ok: true, value: "feature" });
    expect(parseBeadStatus("in-progress")).toEqual({ ok: true, value: "in_progress" });
  });

  it("say what is accepted when the input is wrong", () => {
    const priority = parsePriority("p7");
    expect(!priority.ok && priority.error.message).toBe(
      'Invalid priority "p7": a priority is 0 (critical) to 4 (backlog).',
    );
    const type = parseBeadType("story");
    expect(!type.ok && type.error.hint).toContain("task, bug, feature");
    expect(parseBeadStatus("done").ok).toBe(false);
  });
});
