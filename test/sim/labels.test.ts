import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IssueFixture, startIssueFixture, statusOf } from "../helpers/issue-fixtures.ts";

describe("labels on the loopback GitHub", () => {
  let fx: IssueFixture;
  const at = { owner: "acme", repo: "app" } as const;
  const names = (labels: { name: string }[]): string[] => labels.map((l) => l.name);
  beforeAll(async () => {
    fx = await startIssueFixture();
  });
  afterAll(async () => {
    await fx.stop();
  });

  describe("when the repo's labels are managed", () => {
    it("creates a label (201, emitting label.created) and reads it back by name, case-insensitively", async () => {
      const { status, data } = await fx.dev.rest.issues.createLabel({
        ...at,
        name: "bead:task",
        color: "#00FF00",
        description: "A task",
      });
      expect(status).toBe(201);
      expect(data).toMatchObject({
        name: "bead:task",
        color: "00ff00",
        description: "A task",
        default: false,
        url: `${fx.sim.url}/repos/acme/app/labels/bead%3Atask`,
        node_id: `LA_${data.id}`,
      });
      expect(fx.eventsOf("label", "created").at(-1)?.payload.label).toMatchObject({ name: "bead:task" });
      const read = await fx.reader.rest.issues.getLabel({ ...at, name: "BEAD:TASK" });
      expect(read.data.id).toBe(data.id);
    });

    it("refuses a duplicate name, whatever its case, with 422 already_exists", async () => {
      await fx.dev.rest.issues.createLabel({ ...at, name: "Dup" });
      const again = await statusOf(fx.dev.rest.issues.createLabel({ ...at, name: "dup" }));
      expect(again.status).toBe(422);
      expect(again.data).toMatchObject({
        message: "Validation Failed",
        errors: [{ resource: "Label", code: "already_exists", field: "name" }],
      });
    });

    it("refuses a colour that is not six hex digits with 422", async () => {
      expect(
        (await statusOf(fx.dev.rest.issues.createLabel({ ...at, name: "bad", color: "green" }))).status,
      ).toBe(422);
    });

    it("renames, recolours and redescribes a label, emitting label.edited with the changes", async () => {
      await fx.dev.rest.issues.createLabel({ ...at, name: "old-name", color: "111111" });
      const { data } = await fx.dev.rest.issues.updateLabel({
        ...at,
        name: "old-name",
        new_name: "new-name",
        color: "222222",
        description: "now described",
      });
      expect(data).toMatchObject({ name: "new-name", color: "222222", description: "now described" });
      expect(fx.eventsOf("label", "edited").at(-1)?.payload.changes).toEqual({
        name: { from: "old-name" },
        color: { from: "111111" },
        description: { from: "" },
      });
      expect((await statusOf(fx.dev.rest.issues.getLabel({ ...at, name: "old-name" }))).status).toBe(404);
      expect((await fx.dev.rest.issues.getLabel({ ...at, name: "new-name" })).data.id).toBe(data.id);
    });

    it("deletes a label (204), taking it off its issues and emitting label.deleted", async () => {
      const { data: issue } = await fx.dev.rest.issues.create({
        ...at,
        title: "Has doomed",
        labels: ["doomed", "stays"],
      });
      expect((await fx.dev.rest.issues.deleteLabel({ ...at, name: "doomed" })).status).toBe(204);
      expect(fx.eventsOf("label", "deleted").at(-1)?.payload.label).toMatchObject({ name: "doomed" });
      const after = await fx.dev.rest.issues.get({ ...at, issue_number: issue.number });
      expect(after.data.labels.map((l) => (typeof l === "string" ? l : l.name))).toEqual(["stays"]);
      expect((await statusOf(fx.dev.rest.issues.deleteLabel({ ...at, name: "doomed" }))).status).toBe(404);
    });

    it("lists every label of the repo, paginated", async () => {
      const all = await fx.dev.paginate(fx.dev.rest.issues.listLabelsForRepo, { ...at, per_page: 2 });
      expect(names(all)).toEqual(expect.arrayContaining(["bead:task", "Dup", "new-name", "stays"]));
      expect(new Set(names(all)).size).toBe(all.length);
    });

    it("needs write to manage labels (403 for read)", async () => {
      expect((await statusOf(fx.reader.rest.issues.createLabel({ ...at, name: "nope" }))).status).toBe(403);
    });
  });

  describe("when labels are put on an issue", () => {
    it("adds labels by name or as {name} objects, creating unknown ones with colour ededed", async () => {
      const { data: issue } = await fx.dev.rest.issues.create({ ...at, title: "Label me" });
      const added = await fx.triager.rest.issues.addLabels({
        ...at,
        issue_number: issue.number,
        labels: ["bead:task", "fresh"],
      });
      expect(names(added.data)).toEqual(["bead:task", "fresh"]);
      expect(added.data[1]).toMatchObject({ name: "fresh", color: "ededed" });
      const objects = await fx.triager.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
        ...at,
        issue_number: issue.number,
        labels: [{ name: "objective" }],
      });
      expect(names(objects.data)).toEqual(["bead:task", "fresh", "objective"]);
      const labeled = fx
        .eventsOf("issues", "labeled")
        .slice(-3)
        .map((e) => (e.payload.label as { name: string }).name);
      expect(labeled).toEqual(["bead:task", "fresh", "objective"]);
      expect(
        names((await fx.dev.rest.issues.listLabelsOnIssue({ ...at, issue_number: issue.number })).data),
      ).toEqual(["bead:task", "fresh", "objective"]);
    });

    it("adds nothing twice", async () => {
      const { data: issue } = await fx.dev.rest.issues.create({ ...at, title: "Twice", labels: ["fresh"] });
      const before = fx.events.length;
      const { data } = await fx.dev.rest.issues.addLabels({
        ...at,
        issue_number: issue.number,
        labels: ["FRESH"],
      });
      expect(names(data)).toEqual(["fresh"]);
      expect(fx.events.length).toBe(before);
    });

    it("sets the labels, emitting unlabeled and labeled for the difference", async () => {
      const { data: issue } = await fx.dev.rest.issues.create({
        ...at,
        title: "Set me",
        labels: ["a1", "b1"],
      });
      const before = fx.events.length;
      const { data } = await fx.dev.rest.issues.setLabels({
        ...at,
        issue_number: issue.number,
        labels: ["b1", "c1"],
      });
      expect(names(data)).toEqual(["b1", "c1"]);
      const changes = fx.events.slice(before).filter((e) => e.event === "issues");
      expect(changes.map((e) => [e.action, (e.payload.label as { name: string }).name])).toEqual([
        ["unlabeled", "a1"],
        ["labeled", "c1"],
      ]);
    });

    it("removes one label, answering the rest, and 404s when the label is not on the issue", async () => {
      const { data: issue } = await fx.dev.rest.issues.create({
        ...at,
        title: "Remove one",
        labels: ["r1", "r2"],
      });
      const { data } = await fx.dev.rest.issues.removeLabel({
        ...at,
        issue_number: issue.number,
        name: "R1",
      });
      expect(names(data)).toEqual(["r2"]);
      expect(fx.eventsOf("issues", "unlabeled").at(-1)?.payload.label).toMatchObject({ name: "r1" });
      const missing = await statusOf(
        fx.dev.rest.issues.removeLabel({ ...at, issue_number: issue.number, name: "r1" }),
      );
      expect(missing.status).toBe(404);
      expect(missing.data).toMatchObject({ message: "Label does not exist" });
    });

    it("removes every label (204)", async () => {
      const { data: issue } = await fx.dev.rest.issues.create({
        ...at,
        title: "Remove all",
        labels: ["x1", "x2"],
      });
      expect((await fx.dev.rest.issues.removeAllLabels({ ...at, issue_number: issue.number })).status).toBe(
        204,
      );
      expect(
        (await fx.dev.rest.issues.listLabelsOnIssue({ ...at, issue_number: issue.number })).data,
      ).toEqual([]);
    });

    it("needs triage to label an issue (403 for read)", async () => {
      const { data: issue } = await fx.dev.rest.issues.create({ ...at, title: "Guarded" });
      const denied = await statusOf(
        fx.reader.rest.issues.addLabels({ ...at, issue_number: issue.number, labels: ["x"] }),
      );
      expect(denied.status).toBe(403);
    });
  });
});
