// The bundled action run by the loopback GitHub's Actions, with the stand-in agent calling
// `gt escalate` and `bd create --discovered-from` in outbox mode: the runner files both for real.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "rolldown";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listComments } from "../../src/github/comments.ts";
import { listBeads } from "../../src/github/issues.ts";
import { mailFromComment } from "../../src/model/mail.ts";
import { createBead } from "../../src/town/beads.ts";
import { claimBead } from "../../src/town/hooks.ts";
import { findMailbox } from "../../src/town/mailbox.ts";
import { startTown, type TestTown } from "../town/helpers.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const STANDIN = resolve(ROOT, "test/bin/claude");

describe("the polecat action's outbox", () => {
  let t: TestTown;
  // Its own bundle of the action, as scripts/build.ts makes it: other suites rebuild
  // action/dist at the same time, and a job must never start from a half-written file.
  const scratch = mkdtempSync(join(tmpdir(), "outbox-e2e-"));
  const ENTRY = join(scratch, "index.js");
  beforeAll(async () => {
    await build({
      input: resolve(ROOT, "action/src/run.ts"),
      platform: "node",
      logLevel: "silent",
      output: { file: ENTRY, format: "esm", codeSplitting: false },
    });
    t = await startTown({ name: "outbox-e2e" });
    t.sim.setPermission(t.repo, "carol", "maintain");
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  describe("when the agent escalates critically and files discovered work", () => {
    it("creates the escalation and the discovered bead, mails the overseer and ends escalated", async () => {
      const bead = await createBead(t.town, { title: "Rework the auth flow", assignees: ["carol"] });
      expect((await claimBead(t.town, { bead: bead.number, polecat: "nux" })).claimed).toBe(true);
      const scenario = {
        steps: [
          { write: { path: "auth.txt", content: "new flow\n" } },
          {
            bd: [
              "create",
              "Token refresh races on slow links",
              "--discovered-from",
              String(bead.number),
              "-t",
              "bug",
            ],
          },
          {
            gt: [
              "escalate",
              "Which identity provider do we keep?",
              "-s",
              "critical",
              "-r",
              "Both are wired in.",
            ],
          },
        ],
        result: { text: "Done." },
      };
      t.sim.registerWorkflow(t.repo, {
        path: "polecat.yml",
        command: [process.execPath, ENTRY],
        env: {
          "INPUT_GITHUB-TOKEN": t.sim.token({ kind: "installation" }),
          "INPUT_ANTHROPIC-API-KEY": "sk-ant-api03-outbox-e2e-0123456789",
          INPUT_BEAD: String(bead.number),
          INPUT_POLECAT: "nux",
          INPUT_ATTEMPT: "1",
          "INPUT_AGENT-COMMAND": `${process.execPath} ${STANDIN}`,
          CLAUDE_STANDIN_SCENARIO_JSON: JSON.stringify(scenario),
        },
      });
      await t.town.octokit.rest.actions.createWorkflowDispatch({
        owner: "acme",
        repo: "outbox-e2e",
        workflow_id: "polecat.yml",
        ref: "main",
      });
      await t.sim.idle();
      const run = [...t.repo.runs.values()].at(-1);
      if (!run) throw new Error("no run started");
      expect(t.sim.runOutputs(run.id)).toMatchObject({ status: "escalated", "pr-number": "" });

      const all = await listBeads(t.town, { state: "all" });
      const discovered = all.find((b) => b.title === "Token refresh races on slow links");
      expect(discovered).toMatchObject({
        type: "bug",
        metadata: { others: { discoveredFrom: bead.number } },
      });
      const escalation = all.find((b) => b.title === "Which identity provider do we keep?");
      expect(escalation).toMatchObject({
        type: "escalation",
        priority: 0,
        metadata: {
          others: { severity: "critical", related: bead.number, source: "outbox-e2e/polecats/nux" },
        },
      });

      const onBead = (await listComments(t.town, { issue: bead.number })).map((c) => c.body);
      expect(onBead).toContainEqual(
        expect.stringContaining(`Discovered work filed as #${discovered?.number}`),
      );

      const mailbox = await findMailbox(t.town, { kind: "overseer" });
      if (!mailbox) throw new Error("no overseer mailbox");
      const mail = (await listComments(t.town, { issue: mailbox.number })).filter(
        (c) => mailFromComment(c)?.envelope.type === "escalation",
      );
      expect(mail).toHaveLength(1);
      expect(mail[0]?.body).toContain(`#${escalation?.number}`);
      expect(mail[0]?.body).toContain("@carol");
    }, 120_000);
  });
});
