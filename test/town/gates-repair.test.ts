// The patrol's repair of gates whose event never arrived, on the loopback GitHub: the run ran, the
// pull request merged, the bead closed, and nobody told the gates; the patrol opens them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBead, getBead } from "../../src/github/issues.ts";
import { closeBead } from "../../src/town/beads.ts";
import { repairGates } from "../../src/town/gates.ts";
import { startTown, type TestTown } from "./helpers.ts";

let t: TestTown;
beforeAll(async () => {
  t = await startTown({ name: "gates-repair" });
  t.sim.registerWorkflow(t.repo, {
    path: "release.yml",
    name: "Release",
    command: [process.execPath, "-e", "0"],
  });
});
afterAll(async () => {
  await t?.stop();
});

const gate = (id: string, type: string) =>
  createBead(t.town, {
    title: `Gate: ${type} ${id}`,
    type: "gate",
    body: "Holds `publish`.",
    metadata: { molecule: 1, others: { gate: { type, id }, gateFor: "publish" } },
  });

describe("repairGates", () => {
  it("opens the gates whose run succeeded, pull request merged or bead closed, and only those", async () => {
    const byFile = await gate("release.yml", "gh:run");
    const byName = await gate("Release", "gh:run");
    const waiting = await gate("deploy.yml", "gh:run");
    const blocker = await createBead(t.town, { title: "Sign the release" });
    const byBead = await gate(String(blocker.number), "bead");

    const { owner, repo } = t.town.repo;
    await t.town.octokit.rest.actions.createWorkflowDispatch({
      owner,
      repo,
      workflow_id: "release.yml",
      ref: "main",
    });
    await t.sim.idle();
    const main = (await t.town.octokit.rest.git.getRef({ owner, repo, ref: "heads/main" })).data.object.sha;
    await t.town.octokit.rest.git.createRef({ owner, repo, ref: "refs/heads/release/1.2", sha: main });
    await t.town.octokit.rest.repos.createOrUpdateFileContents({
      owner,
      repo,
      path: "VERSION",
      branch: "release/1.2",
      message: "1.2",
      content: Buffer.from("1.2\n").toString("base64"),
    });
    const { data: pull } = await t.town.octokit.rest.pulls.create({
      owner,
      repo,
      head: "release/1.2",
      base: "main",
      title: "1.2",
    });
    const byNumber = await gate(`#${pull.number}`, "gh:pr");
    const byBranch = await gate("release/1.2", "gh:pr");
    const numbers = (decisions: Awaited<ReturnType<typeof repairGates>>) =>
      decisions.map((d) => d.gate.bead.number).sort((a, b) => a - b);
    // The run succeeded: its gates open; the pull request and the bead are still open.
    expect(numbers(await repairGates(t.town))).toEqual([byFile.number, byName.number]);

    await t.town.octokit.rest.pulls.merge({ owner, repo, pull_number: pull.number });
    await closeBead(t.town, { number: blocker.number });
    expect(numbers(await repairGates(t.town))).toEqual(
      [byBead, byNumber, byBranch].map((b) => b.number).sort((a, b) => a - b),
    );
    expect((await getBead(t.town, waiting.number)).status).toBe("open");
    expect((await getBead(t.town, byFile.number)).status).toBe("closed");
    expect(await repairGates(t.town)).toEqual([]);
  });
});
