// The outbox applier against the loopback GitHub: escalations become escalation beads with mail
// to the overseer, and discovered work becomes beads linked to the bead they were found in.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOutboxApplier, findOverseerLogins } from "../../action/src/outbox-apply.ts";
import { listComments } from "../../src/github/comments.ts";
import { getBead, listBeads } from "../../src/github/issues.ts";
import { silentLogger } from "../../src/log.ts";
import { mailFromComment } from "../../src/model/mail.ts";
import { createBead } from "../../src/town/beads.ts";
import { claimBead } from "../../src/town/hooks.ts";
import { findMailbox } from "../../src/town/mailbox.ts";
import { pourMolecule } from "../../src/town/molecule/index.ts";
import { startTown, type TestTown } from "../town/helpers.ts";
import { cookToml } from "../town/molecule-helpers.ts";

let sequence = 0;
function entry(fields: Record<string, unknown>): string {
  sequence += 1;
  return `${JSON.stringify({ v: 1, id: `entry-${sequence}`, at: "2026-11-25T12:00:00Z", ...fields })}\n`;
}

describe("the outbox applier", () => {
  let t: TestTown;
  let dir: string;
  let outbox: string;
  beforeAll(async () => {
    t = await startTown({ name: "outbox-apply" });
    t.sim.setPermission(t.repo, "alice", "write");
  });
  afterAll(async () => {
    await t?.stop();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "outbox-apply-"));
    outbox = join(dir, "outbox.jsonl");
    writeFileSync(outbox, "");
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  async function hooked(title: string, polecat: string, dispatchedBy?: string): Promise<number> {
    const bead = await createBead(t.town, { title, assignees: ["alice"] });
    const claim = await claimBead(t.town, {
      bead: bead.number,
      polecat,
      ...(dispatchedBy === undefined ? {} : { dispatchedBy }),
    });
    expect(claim.claimed).toBe(true);
    return bead.number;
  }

  function applier(bead: number, polecat: string) {
    return createOutboxApplier({
      town: t.town,
      path: outbox,
      log: silentLogger,
      context: { bead, polecat, rig: "outbox-apply", attempt: 1, molecule: null, runUrl: null, secrets: [] },
    });
  }

  async function overseerMail() {
    const mailbox = await findMailbox(t.town, { kind: "overseer" });
    if (!mailbox) return [];
    return (await listComments(t.town, { issue: mailbox.number })).map((c) => ({
      body: c.body,
      mail: mailFromComment(c),
    }));
  }

  describe("when the agent escalates at high severity", () => {
    it("files an escalation bead and mails the overseer, mentioning the humans", async () => {
      const bead = await hooked("Migrate the schema", "rust", "bob");
      t.sim.setPermission(t.repo, "bob", "write");
      const before = (await overseerMail()).length;
      appendFileSync(
        outbox,
        entry({
          kind: "escalate",
          description: "The migration would drop a column with data",
          severity: "high",
          reason: "users.legacy_id still has 40k rows",
        }),
      );
      const outboxApplier = applier(bead, "rust");
      await outboxApplier.drain();
      expect(outboxApplier.state).toMatchObject({ applied: 1, failed: 0, problems: [] });

      const escalations = await listBeads(t.town, { labels: ["type/escalation"] });
      const escalation = escalations.find((b) => b.title === "The migration would drop a column with data");
      expect(escalation).toBeDefined();
      expect(escalation?.priority).toBe(1);
      expect(escalation?.metadata.others).toMatchObject({
        severity: "high",
        related: bead,
        source: "outbox-apply/polecats/rust",
      });
      expect(escalation?.body).toContain(`#${bead}`);
      expect(escalation?.body).toContain("users.legacy_id still has 40k rows");

      const mail = (await overseerMail()).slice(before);
      expect(mail).toHaveLength(1);
      expect(mail[0]?.mail?.envelope).toMatchObject({ type: "escalation", priority: 1 });
      expect(mail[0]?.mail?.envelope.subject).toBe(
        "Escalation (high): The migration would drop a column with data",
      );
      expect(mail[0]?.body).toContain(`#${escalation?.number}`);
      expect(mail[0]?.body).toContain("@alice");
      expect(mail[0]?.body).toContain("@bob");
    });
  });

  describe("when the agent escalates at low severity", () => {
    it("mails the overseer without mentioning anyone", async () => {
      const bead = await hooked("Tidy the docs", "sage");
      const before = (await overseerMail()).length;
      appendFileSync(outbox, entry({ kind: "escalate", description: "A doc link is dead", severity: "low" }));
      const outboxApplier = applier(bead, "sage");
      await outboxApplier.drain();
      expect(outboxApplier.state.failed).toBe(0);
      const escalation = (await listBeads(t.town, { labels: ["type/escalation"] })).find(
        (b) => b.title === "A doc link is dead",
      );
      expect(escalation?.metadata.others).toMatchObject({ severity: "low", related: bead });
      expect(escalation?.priority).toBe(3);
      const mail = (await overseerMail()).slice(before);
      expect(mail).toHaveLength(1);
      expect(mail[0]?.body).not.toContain("@alice");
    });
  });

  describe("when the agent files discovered work", () => {
    it("creates a bead that records where it was found and names it on the current bead", async () => {
      const bead = await hooked("Fix the login redirect", "nux");
      appendFileSync(
        outbox,
        entry({
          kind: "discovered",
          title: "The session cookie lacks SameSite",
          body: "Seen while tracing the redirect.",
          type: "bug",
          priority: 1,
          labels: ["security"],
        }),
      );
      const outboxApplier = applier(bead, "nux");
      await outboxApplier.drain();
      expect(outboxApplier.state).toMatchObject({ applied: 1, failed: 0 });

      const found = (await listBeads(t.town, {})).find(
        (b) => b.title === "The session cookie lacks SameSite",
      );
      if (!found) throw new Error("the discovered bead was not created");
      expect(found).toMatchObject({ type: "bug", priority: 1 });
      expect(found.labels).toContain("security");
      expect(found.metadata.others).toMatchObject({ discoveredFrom: bead });
      expect(found.body).toContain(`while working on #${bead}`);

      const comments = await listComments(t.town, { issue: bead });
      expect(comments.map((c) => c.body)).toContainEqual(
        expect.stringContaining(`Discovered work filed as #${found.number}`),
      );
      // discovered-from does not block: the current bead gained no blocker.
      expect((await getBead(t.town, bead)).dependencies.totalBlockedBy).toBe(0);
    });

    it("links it to the bead named with --discovered-from when that is another bead", async () => {
      const bead = await hooked("Refactor the router", "ace");
      const other = await createBead(t.town, { title: "Router epic", type: "epic" });
      appendFileSync(outbox, entry({ kind: "discovered", title: "Dead route /v1/ping", from: other.number }));
      const outboxApplier = applier(bead, "ace");
      await outboxApplier.drain();
      expect(outboxApplier.state.failed).toBe(0);
      const found = (await listBeads(t.town, {})).find((b) => b.title === "Dead route /v1/ping");
      expect(found?.metadata.others).toMatchObject({ discoveredFrom: other.number });
      const onOther = await listComments(t.town, { issue: other.number });
      expect(onOther.some((c) => c.body.includes(`#${found?.number}`))).toBe(true);
      expect((await listComments(t.town, { issue: bead })).some((c) => c.body.includes("Discovered"))).toBe(
        false,
      );
    });
  });

  describe("when the bead it was found in does not exist", () => {
    it("counts the failed link and reports it", async () => {
      const bead = await hooked("Lonely work", "dag");
      appendFileSync(outbox, entry({ kind: "discovered", title: "Orphan finding", from: 9999 }));
      const outboxApplier = applier(bead, "dag");
      await outboxApplier.drain();
      expect(outboxApplier.state.failed).toBe(1);
      expect(outboxApplier.state.problems.join("\n")).toMatch(/filed #\d+, but could not name it on #9999/);
    });
  });

  describe("findOverseerLogins", () => {
    it("takes the assignees and a login that slung the bead, never bots or addresses", async () => {
      const byLogin = await hooked("One", "p1", "@bob");
      const byAddress = await hooked("Two", "p2", "mayor/");
      expect((await findOverseerLogins(t.town, byLogin)).sort()).toEqual(["alice", "bob"]);
      expect(await findOverseerLogins(t.town, byAddress)).toEqual(["alice"]);
    });
  });

  describe("when the bead is a molecule", () => {
    it("still closes steps through the molecule's root", async () => {
      const poured = await pourMolecule(t.town, {
        proto: cookToml(`
formula = "apply-steps"
[[steps]]
id = "only"
title = "The only step"
`),
      });
      const root = poured.root.number;
      appendFileSync(outbox, entry({ kind: "step-done", step: "only" }));
      const outboxApplier = createOutboxApplier({
        town: t.town,
        path: outbox,
        log: silentLogger,
        context: {
          bead: root,
          polecat: "mol",
          rig: "outbox-apply",
          attempt: 1,
          molecule: { root, steps: [{ id: "only", title: "The only step", issue: null, done: false }] },
        },
      });
      await outboxApplier.drain();
      expect(outboxApplier.state).toMatchObject({ applied: 1, failed: 0 });
      expect(outboxApplier.state.signals.stepsClosed).toEqual(["only"]);
    });
  });
});
