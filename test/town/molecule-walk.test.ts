// Walking, squashing and burning molecules and wisps on the loopback GitHub: where each step
// stands, `step done` closing a step and naming the next, gates holding their step, the digest
// a squash leaves, and a wisp's checklist.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listComments } from "../../src/github/comments.ts";
import { closeBead, getBead, updateBead } from "../../src/github/issues.ts";
import { listSubIssues } from "../../src/github/sub-issues.ts";
import { forRepo, type TownContext } from "../../src/town/context.ts";
import {
  burnMolecule,
  completeStep,
  DIGEST_MARKER,
  loadMolecule,
  pourMolecule,
  pourWisp,
  resolveRoot,
  squashMolecule,
} from "../../src/town/molecule/index.ts";
import { startTown, type TestTown } from "./helpers.ts";
import { cookBuiltin, cookToml } from "./molecule-helpers.ts";

let t: TestTown;
beforeAll(async () => {
  t = await startTown();
});
afterAll(async () => {
  await t?.stop();
});

let repos = 0;
async function freshTown(): Promise<TownContext> {
  const name = `walk-${++repos}`;
  await t.sim.createRepo({ owner: "acme", name, files: { "README.md": "# walk\n" } });
  return forRepo(t.town, { owner: "acme", repo: name });
}

const states = (view: { steps: { id: string; state: string }[] }) =>
  Object.fromEntries(view.steps.map((step) => [step.id, step.state]));

/** Two branches that join: a → (b, c) → d; c waits on a human gate. */
const DIAMOND = `
formula = "diamond"
[[steps]]
id = "a"
title = "Start"
[[steps]]
id = "b"
title = "Left"
needs = ["a"]
[[steps]]
id = "c"
title = "Right"
needs = ["a"]
gate = { type = "human" }
[[steps]]
id = "d"
title = "Join"
needs = ["b", "c"]
`;

describe("walking a molecule", () => {
  let town: TownContext;
  let root: number;
  let gate: number;

  beforeAll(async () => {
    town = await freshTown();
    const poured = await pourMolecule(town, { proto: cookToml(DIAMOND) });
    root = poured.root.number;
    gate = poured.gates.c as number;
  });

  it("starts with the first step current and the rest blocked", async () => {
    const { view } = await loadMolecule(town, root);
    expect(states(view)).toEqual({ a: "current", b: "blocked", c: "blocked", d: "blocked" });
    expect(view.progress).toEqual({ done: 0, total: 4, percent: 0 });
    expect(view.steps.find((step) => step.id === "c")?.waitingOn).toEqual(["a", `gate #${gate}`]);
  });

  it("finds the molecule from one of its steps, and as the only open one", async () => {
    const { view } = await loadMolecule(town, root);
    const step = view.steps[0]?.number as number;
    expect((await loadMolecule(town, step)).root.number).toBe(root);
    expect(await resolveRoot(town)).toBe(root);
  });

  describe("when a step is still waiting", () => {
    it("refuses to close it, naming what it waits on", async () => {
      await expect(completeStep(town, { root, step: "d" })).rejects.toMatchObject({
        code: "conflict",
        message: `Step d of molecule #${root} is still waiting on b, c.`,
      });
    });
  });

  describe("when the first step is done", () => {
    it("closes it and names the next ready step; the gated one stays blocked", async () => {
      const done = await completeStep(town, { root, step: "a" });
      expect(done.changed).toBe(true);
      expect(done.next?.id).toBe("b");
      expect(states(done.view)).toEqual({ a: "done", b: "current", c: "blocked", d: "blocked" });
      expect(done.view.steps.find((step) => step.id === "c")?.waitingOn).toEqual([`gate #${gate}`]);
      const fresh = await loadMolecule(town, root);
      expect(states(fresh.view)).toEqual(states(done.view));
      expect((await getBead(town, done.step.number as number)).stateReason).toBe("completed");
    });

    it("leaves a step already done alone", async () => {
      const before = t.requests();
      const again = await completeStep(town, { root, step: "a" });
      expect(again.changed).toBe(false);
      // The root and its sub-issues are read; nothing is written.
      expect(t.requests() - before).toBe(2);
    });
  });

  describe("when the gate is closed", () => {
    it("makes its step ready", async () => {
      await closeBead(town, { number: gate });
      const { view } = await loadMolecule(town, root);
      expect(states(view)).toEqual({ a: "done", b: "current", c: "ready", d: "blocked" });
      expect(view.ready.map((step) => step.id)).toEqual(["b", "c"]);
    });
  });

  describe("when a step is in progress", () => {
    it("shows it as current and the other ready step as ready", async () => {
      const { view } = await loadMolecule(town, root);
      const c = view.steps.find((step) => step.id === "c")?.number as number;
      await updateBead(town, { number: c, labels: ["type/step", "status/in-progress"] });
      const after = await loadMolecule(town, root);
      expect(states(after.view)).toEqual({ a: "done", b: "ready", c: "current", d: "blocked" });
      expect(after.view.current?.id).toBe("c");
      expect(after.view.ready.map((step) => step.id)).toEqual(["b"]);
    });
  });

  describe("when the last steps are done", () => {
    it("reports the molecule complete", async () => {
      await completeStep(town, { root, step: "c" });
      const b = await completeStep(town, {
        root,
        step: `#${(await loadMolecule(town, root)).view.steps[1]?.number}`,
      });
      expect(b.step.id).toBe("b");
      expect(b.next?.id).toBe("d");
      const d = await completeStep(town, { root, step: "d" });
      expect(d.next).toBeUndefined();
      expect(d.view.progress).toEqual({ done: 4, total: 4, percent: 100 });
    });
  });
});

describe("when another worker has started a ready step", () => {
  it("names the next step nobody has started", async () => {
    const town = await freshTown();
    const poured = await pourMolecule(town, {
      proto: cookToml(`
formula = "parallel"
[[steps]]
id = "a"
title = "A"
[[steps]]
id = "b"
title = "B"
[[steps]]
id = "c"
title = "C"
needs = ["a"]
`),
    });
    const root = poured.root.number;
    await updateBead(town, { number: poured.steps.b as number, labels: ["type/step", "status/in-progress"] });
    const done = await completeStep(town, { root, step: "a" });
    expect(done.view.current?.id).toBe("b");
    expect(done.next?.id).toBe("c");
    const last = await completeStep(town, { root, step: "c" });
    expect(last.next).toBeUndefined();
  });
});

describe("squashing a molecule", () => {
  it("posts one digest, closes the open steps as not planned and the root as completed", async () => {
    const town = await freshTown();
    const poured = await pourMolecule(town, { proto: await cookBuiltin("shiny", { feature: "export" }) });
    const root = poured.root.number;
    await completeStep(town, { root, step: "design" });

    const result = await squashMolecule(town, { root, summary: "Designed; the rest moved to #99." });
    expect(result.closed).toHaveLength(4);
    const digest = result.digest?.body ?? "";
    expect(digest).toContain(DIGEST_MARKER);
    expect(digest).toContain("### Molecule `shiny` squashed");
    expect(digest).toContain("Designed; the rest moved to #99.");
    expect(digest).toContain(`| done | \`design\` Design export | #${poured.steps.design} | @gastown[bot] |`);
    expect(digest).toContain(`| not done | \`submit\` Submit export | #${poured.steps.submit} | — |`);
    expect(digest).toContain("**1 of 5 steps done** (20%).");

    const children = await listSubIssues(town, root);
    expect(children.map((child) => child.stateReason)).toEqual([
      "completed",
      "not_planned",
      "not_planned",
      "not_planned",
      "not_planned",
    ]);
    const closedRoot = await getBead(town, root);
    expect(closedRoot.status).toBe("closed");
    expect(closedRoot.stateReason).toBe("completed");

    const again = await squashMolecule(town, { root });
    expect(again.changed).toBe(false);
    const digests = (await listComments(town, { issue: root })).filter((c) => c.body.includes(DIGEST_MARKER));
    expect(digests).toHaveLength(1);
  });
});

describe("burning a molecule", () => {
  it("closes the steps, gates and root as not planned, with no digest", async () => {
    const town = await freshTown();
    const poured = await pourMolecule(town, { proto: cookToml(DIAMOND) });
    const result = await burnMolecule(town, { root: poured.root.number });
    expect(result.closed).toHaveLength(5);
    const children = await listSubIssues(town, poured.root.number);
    expect(children.every((child) => child.stateReason === "not_planned")).toBe(true);
    expect((await getBead(town, poured.root.number)).stateReason).toBe("not_planned");
    expect(await listComments(town, { issue: poured.root.number })).toEqual([]);
  });
});

describe("a wisp", () => {
  let town: TownContext;
  let root: number;

  beforeAll(async () => {
    town = await freshTown();
    root = (await pourWisp(town, { proto: await cookBuiltin("shiny", { feature: "undo" }) })).root.number;
  });

  it("is one issue whose body lists the steps as a checklist", async () => {
    const bead = await getBead(town, root);
    expect(bead.type).toBe("wisp");
    expect(bead.body).toContain(
      [
        "- [ ] design: Design undo",
        "- [ ] implement: Implement undo",
        "- [ ] review: Review the undo change",
        "- [ ] test: Test undo",
        "- [ ] submit: Submit undo",
      ].join("\n"),
    );
    expect(bead.subIssues.total).toBe(0);
  });

  it("returns the open wisp when poured again", async () => {
    const again = await pourWisp(town, { proto: await cookBuiltin("shiny", { feature: "undo" }) });
    expect(again.resumed).toBe(true);
    expect(again.root.number).toBe(root);
  });

  it("ticks a step's box on step done and names the next", async () => {
    const done = await completeStep(town, { root, step: "design" });
    expect(done.next?.id).toBe("implement");
    const bead = await getBead(town, root);
    expect(bead.body).toContain("- [x] design: Design undo\n- [ ] implement: Implement undo");
    expect(bead.metadata.formula).toBe("shiny");
    expect((await loadMolecule(town, root)).view.progress).toEqual({ done: 1, total: 5, percent: 20 });
  });

  it("refuses a step whose needs are not ticked", async () => {
    await expect(completeStep(town, { root, step: "test" })).rejects.toThrow(/still waiting on review/);
  });

  it("squashes into a digest of its checklist", async () => {
    const result = await squashMolecule(town, { root });
    expect(result.digest?.body).toContain("### Wisp `shiny` squashed");
    expect(result.digest?.body).toContain("| done | `design` Design undo | — | — |");
    expect((await getBead(town, root)).status).toBe("closed");
  });
});
