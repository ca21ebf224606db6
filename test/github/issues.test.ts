import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  addLabels,
  applyLabelChanges,
  closeBead,
  createBead,
  findBead,
  getBead,
  listBeads,
  removeLabel,
  reopenBead,
  updateBead,
} from "../../src/github/issues.ts";
import { GastownError } from "../../src/model/errors.ts";
import { github, repoPath, testContext } from "./context.ts";
import { issuePayload, labelPayload, linkHeader } from "./payloads.ts";

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

const gh = testContext();

describe("listBeads", () => {
  describe("when the issues span several pages", () => {
    it("asks 100 at a time, follows the Link header and leaves pull requests out", async () => {
      const page1 = Array.from({ length: 100 }, (_, i) =>
        issuePayload({ number: i + 1, pull_request: i === 4 }),
      );
      const page2 = [issuePayload({ number: 101, labels: ["priority/p0"] })];
      github()
        .get(`${repoPath}/issues`)
        .query({ per_page: "100", state: "open" })
        .reply(200, page1, { link: linkHeader(`${repoPath}/issues?per_page=100&state=open`, 1, 2) });
      github()
        .get(`${repoPath}/issues`)
        .query({ per_page: "100", state: "open", page: "2" })
        .reply(200, page2, { link: linkHeader(`${repoPath}/issues?per_page=100&state=open`, 2, 2) });

      const beads = await listBeads(gh);
      expect(beads).toHaveLength(100);
      expect(beads.some((b) => b.number === 5)).toBe(false);
      expect(beads.at(-1)).toMatchObject({ number: 101, priority: 0 });
    });
  });

  describe("when filters are given", () => {
    it("passes them as GitHub's query parameters", async () => {
      github()
        .get(`${repoPath}/issues`)
        .query({
          per_page: "100",
          state: "all",
          labels: "type/bug,priority/p1",
          milestone: "4",
          assignee: "none",
          since: "2026-01-01T00:00:00Z",
          sort: "created",
          direction: "asc",
        })
        .reply(200, []);
      expect(
        await listBeads(gh, {
          state: "all",
          labels: ["type/bug", "priority/p1"],
          milestone: 4,
          assignee: "none",
          since: "2026-01-01T00:00:00Z",
          sort: "created",
          direction: "asc",
        }),
      ).toEqual([]);
    });
  });
});

describe("getBead", () => {
  it("returns the bead", async () => {
    github()
      .get(`${repoPath}/issues/7`)
      .reply(200, issuePayload({ number: 7, title: "Seven" }));
    expect(await getBead(gh, 7)).toMatchObject({ number: 7, title: "Seven", repo: "acme/app" });
  });

  describe("when the issue does not exist", () => {
    it("fails saying which bead and what to check", async () => {
      github().get(`${repoPath}/issues/999`).reply(404, { message: "Not Found" });
      const error = await getBead(gh, 999).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GastownError);
      expect(error).toMatchObject({
        code: "not-found",
        message: "Bead acme/app#999 does not exist.",
        hint: expect.stringContaining("bd list"),
      });
    });

    it("is null for findBead", async () => {
      github().get(`${repoPath}/issues/999`).reply(404, { message: "Not Found" });
      expect(await findBead(gh, 999)).toBeNull();
    });
  });

  describe("when the number is a pull request", () => {
    it("refuses it", async () => {
      github()
        .get(`${repoPath}/issues/8`)
        .reply(200, issuePayload({ number: 8, pull_request: true }));
      await expect(getBead(gh, 8)).rejects.toMatchObject({
        message: "acme/app#8 is a pull request, not a bead.",
      });
    });
  });
});

describe("createBead", () => {
  it("sends title, body with metadata, labels, assignees and milestone", async () => {
    let sent: unknown;
    github()
      .post(`${repoPath}/issues`, (body) => {
        sent = body;
        return true;
      })
      .reply(201, issuePayload({ number: 20, labels: ["priority/p1", "type/bug", "area/ui"] }));
    const bead = await createBead(gh, {
      title: "Broken button",
      body: "It does nothing.",
      priority: 1,
      type: "bug",
      labels: ["area/ui"],
      assignees: ["alice"],
      milestone: 3,
      metadata: { formula: "mol-polecat-work" },
    });
    expect(sent).toEqual({
      title: "Broken button",
      body: 'It does nothing.\n\n<!-- gastown {"v":1,"formula":"mol-polecat-work"} -->',
      labels: ["priority/p1", "type/bug", "area/ui"],
      assignees: ["alice"],
      milestone: 3,
    });
    expect(bead).toMatchObject({ number: 20, priority: 1, type: "bug" });
  });

  describe("when a label name is over 50 characters", () => {
    it("refuses before sending anything", async () => {
      const error = await createBead(gh, { title: "x", labels: ["l".repeat(51)] }).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: "too-long",
        message: expect.stringContaining("51 characters long"),
      });
    });
  });

  describe("when the body is over GitHub's limit", () => {
    it("refuses before sending anything", async () => {
      await expect(createBead(gh, { title: "x", body: "b".repeat(70_000) })).rejects.toMatchObject({
        code: "too-long",
        message: expect.stringMatching(/^The issue body is 70,0\d\d characters/),
      });
    });
  });

  describe("when the title is blank", () => {
    it("refuses", async () => {
      await expect(createBead(gh, { title: "  " })).rejects.toMatchObject({
        message: "A bead needs a title.",
      });
    });
  });

  describe("when the draft is closed", () => {
    it("creates then closes with the reason", async () => {
      github()
        .post(`${repoPath}/issues`)
        .reply(201, issuePayload({ number: 21 }));
      github()
        .patch(`${repoPath}/issues/21`, { state: "closed", state_reason: "not_planned" })
        .reply(200, issuePayload({ number: 21, state: "closed", state_reason: "not_planned" }));
      expect(
        await createBead(gh, { title: "x", status: "closed", stateReason: "not_planned" }),
      ).toMatchObject({
        status: "closed",
        stateReason: "not_planned",
      });
    });
  });
});

describe("updateBead, closeBead, reopenBead", () => {
  it("sends only the fields given, rendering the body", async () => {
    github()
      .patch(`${repoPath}/issues/5`, {
        title: "New",
        body: 'Text\n\n<!-- gastown {"v":1,"attempt":2} -->',
        milestone: null,
      })
      .reply(200, issuePayload({ number: 5, title: "New" }));
    await updateBead(gh, {
      number: 5,
      title: "New",
      body: { text: "Text", metadata: { attempt: 2 } },
      milestone: null,
    });
  });

  it("closes as completed by default and reopens", async () => {
    github()
      .patch(`${repoPath}/issues/5`, { state: "closed", state_reason: "completed" })
      .reply(200, issuePayload({ number: 5, state: "closed" }));
    github()
      .patch(`${repoPath}/issues/5`, { state: "open", state_reason: "reopened" })
      .reply(200, issuePayload({ number: 5 }));
    expect((await closeBead(gh, { number: 5 })).status).toBe("closed");
    expect((await reopenBead(gh, 5)).status).toBe("open");
  });

  describe("when the token may not write", () => {
    it("fails with a permission hint", async () => {
      github().patch(`${repoPath}/issues/5`).reply(403, {
        message: "Resource not accessible by integration",
        documentation_url: "https://docs.github.com/rest",
      });
      await expect(closeBead(gh, { number: 5 })).rejects.toMatchObject({
        code: "forbidden",
        message:
          "Could not update acme/app#5: the token is not allowed to (403 Resource not accessible by integration).",
        hint: expect.stringContaining("write access"),
      });
    });
  });
});

describe("labels on an issue", () => {
  it("adds labels and returns the issue's labels", async () => {
    github()
      .post(`${repoPath}/issues/5/labels`, { labels: ["status/hooked"] })
      .reply(200, [labelPayload({ name: "status/hooked" }), labelPayload({ name: "type/task" })]);
    expect(await addLabels(gh, { number: 5, labels: ["status/hooked"] })).toEqual([
      "status/hooked",
      "type/task",
    ]);
  });

  it("treats removing a label the issue lacks as done", async () => {
    github()
      .delete(`${repoPath}/issues/5/labels/status%2Fhooked`)
      .reply(404, { message: "Label does not exist" });
    await expect(removeLabel(gh, { number: 5, label: "status/hooked" })).resolves.toBeUndefined();
  });

  it("applies a change plan as removals then one add", async () => {
    const order: string[] = [];
    github()
      .delete(`${repoPath}/issues/5/labels/status%2Fhooked`)
      .reply(200, () => {
        order.push("remove");
        return [];
      });
    github()
      .post(`${repoPath}/issues/5/labels`, { labels: ["status/in-progress"] })
      .reply(200, () => {
        order.push("add");
        return [labelPayload({ name: "status/in-progress" })];
      });
    await applyLabelChanges(gh, {
      number: 5,
      changes: { add: ["status/in-progress"], remove: ["status/hooked"] },
    });
    expect(order).toEqual(["remove", "add"]);
  });

  it("writes nothing for an empty plan", async () => {
    await applyLabelChanges(gh, { number: 5, changes: { add: [], remove: [] } });
  });
});
