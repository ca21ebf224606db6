import { describe, expect, it } from "vitest";
import {
  type BeadDraft,
  beadFromIssue,
  type IssueRecord,
  issueFieldsFromBead,
  planLabelChanges,
} from "../../src/model/bead.ts";
import { formatBeadRef, parseBeadRef } from "../../src/model/bead-ref.ts";
import { unwrap } from "../../src/model/errors.ts";
import { createTaxonomy } from "../../src/model/labels.ts";
import { issuePayload } from "../github/payloads.ts";

const issue = (o: Parameters<typeof issuePayload>[0]) => issuePayload(o) as unknown as IssueRecord;

describe("beadFromIssue", () => {
  describe("when the issue carries the town's labels and a metadata block", () => {
    const bead = beadFromIssue(
      issue({
        number: 12,
        id: 9912,
        title: "Fix login",
        body: 'Users cannot log in.\n\n<!-- gastown {"v":1,"polecat":"rust","run":77,"attempt":1} -->',
        labels: ["status/hooked", "priority/p1", "type/bug", "area/auth"],
        assignees: ["alice"],
        milestone: { number: 3, title: "Auth convoy" },
        blocked_by: 0,
        total_blocked_by: 2,
        blocking: 1,
        parent: 4,
        sub_issues: { total: 2, completed: 1 },
      }),
    );

    it("maps status, priority and type from labels and keeps the other labels", () => {
      expect(bead).toMatchObject({
        repo: "acme/app",
        number: 12,
        id: 9912,
        title: "Fix login",
        status: "hooked",
        priority: 1,
        type: "bug",
        labels: ["area/auth"],
        assignees: ["alice"],
        milestone: { number: 3, title: "Auth convoy" },
      });
    });

    it("separates the body text from the metadata", () => {
      expect(bead.body).toBe("Users cannot log in.");
      expect(bead.metadata).toEqual({ polecat: "rust", run: 77, attempt: 1 });
      expect(bead.problems).toEqual([]);
    });

    it("reads dependencies, parent and sub-issues from GitHub's summaries", () => {
      expect(bead.dependencies).toEqual({ blockedBy: 0, totalBlockedBy: 2, blocking: 1, totalBlocking: 1 });
      expect(bead.parent).toEqual({ repo: "acme/app", number: 4 });
      expect(bead.subIssues).toEqual({ total: 2, completed: 1, percentCompleted: 50 });
    });
  });

  describe("when a human damaged the metadata block", () => {
    it.each([
      [
        "broken JSON",
        'Intro.\n\n<!-- gastown {"v":1,"polecat": -->\n\nOutro.',
        "invalid-json",
        "Intro.\n\nOutro.",
      ],
      [
        "a wrong field",
        'Intro.\n\n<!-- gastown {"v":1,"run":"soon"} -->\n\nOutro.',
        "invalid-field",
        "Intro.\n\nOutro.",
      ],
      [
        "no closing marker",
        'Intro.\n\n<!-- gastown {"v":1,"polecat":"rust"}\n\nOutro.',
        "unterminated",
        'Intro.\n\n<!-- gastown {"v":1,"polecat":"rust"}\n\nOutro.',
      ],
    ])("with %s, reports it and keeps every word of the body", (_what, body, kind, text) => {
      const bead = beadFromIssue(issue({ number: 5, body }));
      expect(bead.body).toBe(text);
      expect(bead.problems.map((p) => p.kind)).toEqual([kind]);
      expect(bead.problems[0]?.message).toMatch(/\S/);
      expect(bead.writable).toBe(true);
    });
  });

  describe("when the issue has no town labels", () => {
    it("is an open p2 task", () => {
      const bead = beadFromIssue(issue({ number: 1, labels: ["bug"] }));
      expect(bead).toMatchObject({
        status: "open",
        priority: 2,
        type: "task",
        labels: ["bug"],
        stateReason: null,
      });
    });
  });

  describe("when the issue is closed", () => {
    it("is closed whatever status label remains, with its reason", () => {
      const bead = beadFromIssue(
        issue({
          number: 2,
          state: "closed",
          state_reason: "not_planned",
          labels: ["status/hooked"],
          body: '<!-- gastown {"v":1,"closeReason":"burned: superseded"} -->',
        }),
      );
      expect(bead.status).toBe("closed");
      expect(bead.stateReason).toBe("not_planned");
      expect(bead.closeReason).toBe("burned: superseded");
    });
  });

  describe("when labels conflict", () => {
    const bead = beadFromIssue(
      issue({
        number: 3,
        labels: [
          "priority/p3",
          "priority/p0",
          "status/deferred",
          "status/in-progress",
          "type/task",
          "type/wisp",
        ],
      }),
    );

    it("takes the most urgent priority", () => {
      expect(bead.priority).toBe(0);
    });

    it("takes the status first in precedence", () => {
      expect(bead.status).toBe("in_progress");
    });

    it("prefers the type that keeps the bead out of ready", () => {
      expect(bead.type).toBe("wisp");
    });

    it("reports each conflict", () => {
      expect(bead.problems.map((p) => p.kind)).toEqual([
        "conflicting-labels",
        "conflicting-labels",
        "conflicting-labels",
      ]);
    });
  });

  describe("when labels differ in case", () => {
    it("still recognises them", () => {
      expect(beadFromIssue(issue({ number: 4, labels: ["Priority/P1", "TYPE/Feature"] }))).toMatchObject({
        priority: 1,
        type: "feature",
      });
    });
  });

  describe("when the repo uses its own label names", () => {
    it("reads them through the taxonomy", () => {
      const taxonomy = unwrap(createTaxonomy({ priority: { 0: "P0-critical" }, type: { bug: "kind:bug" } }));
      expect(
        beadFromIssue(issue({ number: 5, labels: ["P0-critical", "kind:bug"] }), taxonomy),
      ).toMatchObject({
        priority: 0,
        type: "bug",
        labels: [],
      });
    });
  });
});

describe("issueFieldsFromBead", () => {
  it("writes status, priority and type labels, the other labels, and the body with metadata", () => {
    const draft: BeadDraft = {
      title: "Add OAuth",
      body: "Details.",
      status: "hooked",
      priority: 1,
      type: "feature",
      labels: ["area/auth", "priority/p4"],
      assignees: ["bob"],
      milestone: { number: 2 },
      metadata: { polecat: "nux" },
    };
    expect(issueFieldsFromBead(draft)).toEqual({
      title: "Add OAuth",
      body: 'Details.\n\n<!-- gastown {"v":1,"polecat":"nux"} -->',
      labels: ["status/hooked", "priority/p1", "type/feature", "area/auth"],
      assignees: ["bob"],
      milestone: 2,
      state: "open",
      stateReason: null,
    });
  });

  it("writes the defaults for a bare draft", () => {
    expect(issueFieldsFromBead({ title: "T" })).toMatchObject({
      labels: ["priority/p2", "type/task"],
      body: "",
      milestone: null,
      state: "open",
    });
  });

  it("closes a closed bead as completed unless told otherwise", () => {
    expect(issueFieldsFromBead({ title: "T", status: "closed" })).toMatchObject({
      state: "closed",
      stateReason: "completed",
    });
    expect(issueFieldsFromBead({ title: "T", status: "closed", stateReason: "duplicate" }).stateReason).toBe(
      "duplicate",
    );
  });

  it("round-trips through beadFromIssue", () => {
    const fields = issueFieldsFromBead({
      title: "R",
      status: "deferred",
      priority: 4,
      type: "chore",
      labels: ["x"],
      metadata: { attempt: 2 },
    });
    const bead = beadFromIssue(
      issue({ number: 9, title: fields.title, body: fields.body, labels: fields.labels }),
    );
    expect(bead).toMatchObject({
      status: "deferred",
      priority: 4,
      type: "chore",
      labels: ["x"],
      metadata: { attempt: 2 },
    });
  });
});

describe("planLabelChanges", () => {
  describe("when hooking an open bead", () => {
    it("adds the hooked label only", () => {
      expect(planLabelChanges(["priority/p2", "type/task"], { status: "hooked" })).toEqual({
        add: ["status/hooked"],
        remove: [],
      });
    });
  });

  describe("when moving from hooked to in progress", () => {
    it("swaps the status labels", () => {
      expect(planLabelChanges(["status/hooked", "x"], { status: "in_progress" })).toEqual({
        add: ["status/in-progress"],
        remove: ["status/hooked"],
      });
    });
  });

  describe("when reopening for work", () => {
    it("removes every status label", () => {
      expect(planLabelChanges(["status/hooked", "status/blocked"], { status: "open" })).toEqual({
        add: [],
        remove: ["status/hooked", "status/blocked"],
      });
    });
  });

  describe("when nothing changes", () => {
    it("plans nothing", () => {
      expect(planLabelChanges(["Priority/P1", "type/bug"], { priority: 1, type: "bug" })).toEqual({
        add: [],
        remove: [],
      });
    });
  });

  it("changes priority and type together", () => {
    expect(planLabelChanges(["priority/p2", "type/task"], { priority: 0, type: "bug" })).toEqual({
      add: ["priority/p0", "type/bug"],
      remove: ["priority/p2", "type/task"],
    });
  });
});

describe("parseBeadRef", () => {
  it.each([
    ["123", { number: 123 }],
    ["#7", { number: 7 }],
    ["acme/app#42", { repo: "acme/app", number: 42 }],
    ["https://github.com/acme/app/issues/5", { repo: "acme/app", number: 5 }],
    ["https://github.com/acme/app/issues/5#issuecomment-1", { repo: "acme/app", number: 5 }],
    ["gt-123", { number: 123 }],
  ])("accepts %s", (text, expected) => {
    expect(unwrap(parseBeadRef(text))).toEqual(expected);
  });

  describe("when the text is not a bead id", () => {
    it.each(["", "abc", "#0", "acme#1", "12a", "https://github.com/acme/app/pull/5"])(
      "refuses %j with the accepted forms",
      (text) => {
        const result = parseBeadRef(text);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.error.hint).toContain("owner/repo#123");
      },
    );
  });

  describe("when the rig has a prefix", () => {
    it("accepts that prefix only", () => {
      expect(parseBeadRef("gt-9", { prefix: "gt" }).ok).toBe(true);
      expect(parseBeadRef("bd-9", { prefix: "gt" }).ok).toBe(false);
    });
  });

  it("formats within and across repos", () => {
    expect(formatBeadRef({ repo: "acme/app", number: 3 }, "acme/app")).toBe("#3");
    expect(formatBeadRef({ repo: "acme/lib", number: 3 }, "acme/app")).toBe("acme/lib#3");
  });
});
