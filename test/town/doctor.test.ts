// `gt doctor` on the loopback GitHub: it says what it would fix, fixes it with `fix`, finds
// nothing the second time, and refuses to repair with a token that cannot write.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBead as createIssue, listBeads } from "../../src/github/issues.ts";
import { listLabels } from "../../src/github/labels.ts";
import { taxonomyLabels } from "../../src/model/labels.ts";
import { createBead } from "../../src/town/beads.ts";
import { type DoctorReport, runDoctor } from "../../src/town/doctor.ts";
import { startTown, type TestTown } from "./helpers.ts";

let t: TestTown;
beforeAll(async () => {
  t = await startTown();
});
afterAll(async () => {
  await t?.stop();
});

const byName = (report: DoctorReport) => new Map(report.checks.map((c) => [c.name, c]));

describe("gt doctor", () => {
  describe("when the repository is new", () => {
    it("reports the labels it would create and creates nothing", async () => {
      const report = await runDoctor(t.town);
      const labels = byName(report).get("labels");
      expect(labels?.status).toBe("warn");
      expect(labels?.fixes).toContain(
        'create label status/hooked (#5319e7, "On a polecat\'s hook: claimed work")',
      );
      expect(labels?.fixes).toHaveLength(taxonomyLabels().length);
      expect(await listLabels(t.town)).toEqual([]);
      expect(byName(report).get("token")?.summary).toBe("token has write access");
    });
  });

  describe("when run with fix", () => {
    it("creates the labels with colours and descriptions, and a second run finds nothing", async () => {
      const report = await runDoctor(t.town, { fix: true });
      expect(byName(report).get("labels")?.status).toBe("fixed");
      const labels = await listLabels(t.town);
      const wanted = taxonomyLabels();
      expect(labels.length).toBe(wanted.length);
      for (const want of wanted) expect(labels).toContainEqual(want);
      const again = await runDoctor(t.town);
      expect(again.checks.map((c) => c.status)).toEqual(["ok", "ok", "ok", "ok", "ok", "ok", "ok"]);
      expect(again.healthy).toBe(true);
    });
  });

  describe("when mailboxes are duplicated and a hooked label has no claim", () => {
    it("closes the newer mailbox and removes the stale label", async () => {
      const first = await createIssue(t.town, { title: "Mailbox: mayor/", type: "mailbox" });
      const second = await createIssue(t.town, { title: "Mailbox: mayor/", type: "mailbox" });
      const stale = await createBead(t.town, { title: "Half-hooked" });
      await createIssue(t.town, { title: "Hooked by hand", status: "hooked" });

      const dry = byName(await runDoctor(t.town));
      expect(dry.get("mailboxes")?.fixes).toEqual([
        `close #${second.number} as a duplicate mailbox of mayor/ (kept: #${first.number})`,
      ]);
      expect(dry.get("hooks")?.fixes).toEqual([
        `remove the hooked label from #${stale.number + 1} (nobody holds its claim)`,
      ]);

      const fixed = byName(await runDoctor(t.town, { fix: true }));
      expect(fixed.get("mailboxes")?.status).toBe("fixed");
      expect(fixed.get("hooks")?.status).toBe("fixed");
      const open = await listBeads(t.town, { state: "open" });
      expect(open.map((b) => b.number)).not.toContain(second.number);
      expect(open.find((b) => b.number === stale.number + 1)?.status).toBe("open");
    });
  });

  describe("when the token can only read", () => {
    it("fails the token check and repairs nothing", async () => {
      const other = await t.sim.createRepo({ owner: "acme", name: "read-only" });
      t.sim.setPermission(other, "reader", "read");
      const reader = {
        ...t.as(t.sim.token({ kind: "user", login: "reader" })),
        repo: { owner: "acme", repo: "read-only" },
      };
      const report = await runDoctor(reader, { fix: true });
      const token = byName(report).get("token");
      expect(token?.status).toBe("fail");
      expect(token?.summary).toMatch(/only read access; the town needs write/);
      expect(byName(report).get("labels")?.status).toBe("warn");
      expect(report.healthy).toBe(false);
      expect(await listLabels(reader)).toEqual([]);
    });
  });

  describe("when the repository does not exist", () => {
    it("says so with what to check", async () => {
      const report = await runDoctor({ ...t.town, repo: { owner: "acme", repo: "nope" } });
      expect(report.checks).toHaveLength(1);
      expect(report.checks[0]).toMatchObject({ name: "repository", status: "fail" });
      expect(report.checks[0]?.summary).toBe(
        "Could not read repository acme/nope: Repository acme/nope does not exist, or the token cannot see it.",
      );
      expect(report.checks[0]?.details[0]).toMatch(/Check the owner\/name given by --repo/);
    });
  });
});
