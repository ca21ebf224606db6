// Pouring formulas onto the loopback GitHub: the molecule's issues, sub-issues and blocked-by
// edges reproduce the cooked step DAG, cost the floor in requests, and a pour cut short completes
// on the next run without a duplicate step.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookFormulaSync, parseFormula } from "../../src/formula/index.ts";
import { listBlockedBy } from "../../src/github/dependencies.ts";
import { getBead, listBeads } from "../../src/github/issues.ts";
import { listSubIssues } from "../../src/github/sub-issues.ts";
import type { Bead } from "../../src/model/bead.ts";
import { forRepo, type TownContext } from "../../src/town/context.ts";
import { planPour, pourMolecule, readMoleculeFields } from "../../src/town/molecule/index.ts";
import { startTown, type TestTown } from "./helpers.ts";
import {
  ADD_BLOCKED_BY,
  ADD_SUB_ISSUE,
  CREATE_ISSUE,
  cookBuiltin,
  cookToml,
  requestsSince,
  townFailingAfter,
} from "./molecule-helpers.ts";

let t: TestTown;
beforeAll(async () => {
  t = await startTown();
});
afterAll(async () => {
  await t?.stop();
});

let repos = 0;
/** A fresh repository in the same sim, so each scenario counts its own issues. */
async function freshTown(): Promise<TownContext> {
  const name = `molecules-${++repos}`;
  await t.sim.createRepo({ owner: "acme", name, files: { "README.md": "# molecules\n" } });
  return forRepo(t.town, { owner: "acme", repo: name });
}

const labelsOf = (bead: Bead) => [`type/${bead.type}`, ...bead.labels];

/** Each step's blockers as step ids (gates as `gate:<step>`), read back from GitHub. */
async function edgesOnGitHub(town: TownContext, beads: readonly Bead[]): Promise<Record<string, string[]>> {
  const keyOf = (bead: Bead) => {
    const gateFor = readMoleculeFields(bead.metadata).gateFor;
    return gateFor === undefined ? (bead.metadata.step as string) : `gate:${gateFor}`;
  };
  const out: Record<string, string[]> = {};
  for (const bead of beads) {
    out[keyOf(bead)] = (await listBlockedBy(town, bead.number)).map(keyOf).sort();
  }
  return out;
}

describe("pourMolecule", () => {
  describe("when shiny is poured with its var", () => {
    let town: TownContext;
    let result: Awaited<ReturnType<typeof pourMolecule>>;
    let counts: Record<string, number>;

    beforeAll(async () => {
      town = await freshTown();
      const proto = await cookBuiltin("shiny", { feature: "login" });
      const before = new Map(t.sim.state.requestCounts);
      result = await pourMolecule(town, { proto });
      counts = requestsSince(t.sim.state, before);
    });

    it("creates a molecule root that records the formula, its vars and the pour key", async () => {
      const root = await getBead(town, result.root.number);
      expect(root.type).toBe("molecule");
      expect(root.title).toBe("shiny: feature=login");
      expect(root.metadata).toMatchObject({ formula: "shiny", vars: { feature: "login" } });
      expect(readMoleculeFields(root.metadata)).toEqual({ pourKey: result.plan.key, formulaVersion: 1 });
    });

    it("draws the step DAG as a mermaid graph in the root's body", async () => {
      const root = await getBead(town, result.root.number);
      expect(root.body).toContain("```mermaid\ngraph TD\n");
      expect(root.body).toContain('s_design["Design login"]');
      expect(root.body).toContain("s_design --> s_implement");
    });

    it("makes one sub-issue per step, in order, each naming its step and acceptance", async () => {
      const children = await listSubIssues(town, result.root.number);
      expect(children.map((child) => child.metadata.step)).toEqual([
        "design",
        "implement",
        "review",
        "test",
        "submit",
      ]);
      const design = children[0] as Bead;
      expect(labelsOf(design)).toEqual(["type/step"]);
      expect(design.metadata.molecule).toBe(result.root.number);
      expect(design.body).toContain(
        "**Acceptance:** A design comment on the issue names the files to change",
      );
      expect(result.steps).toEqual(Object.fromEntries(children.map((c) => [c.metadata.step, c.number])));
    });

    it("records each need as a blocked-by edge", async () => {
      const children = await listSubIssues(town, result.root.number);
      expect(await edgesOnGitHub(town, children)).toEqual({
        design: [],
        implement: ["design"],
        review: ["implement"],
        test: ["review"],
        submit: ["test"],
      });
    });

    it("costs one search, then one create and one link per issue and one request per edge", () => {
      expect(counts).toEqual({
        "GET /repos/{owner}/{repo}/issues": 1,
        [CREATE_ISSUE]: 6,
        [ADD_SUB_ISSUE]: 5,
        [ADD_BLOCKED_BY]: 4,
      });
      expect(result.written).toEqual({ steps: 5, gates: 0, links: 5, dependencies: 4 });
    });

    describe("and poured again with the same var", () => {
      it("finds the molecule by its pour key and writes nothing", async () => {
        const proto = await cookBuiltin("shiny", { feature: "login" });
        const before = new Map(t.sim.state.requestCounts);
        const again = await pourMolecule(town, { proto });
        expect(again.root.number).toBe(result.root.number);
        expect(again.resumed).toBe(true);
        expect(again.written).toEqual({ steps: 0, gates: 0, links: 0, dependencies: 0 });
        expect(again.steps).toEqual(result.steps);
        expect(Object.keys(requestsSince(t.sim.state, before)).every((key) => key.startsWith("GET "))).toBe(
          true,
        );
      });
    });

    describe("and poured with another var", () => {
      it("pours a second molecule", async () => {
        const proto = await cookBuiltin("shiny", { feature: "logout" });
        const other = await pourMolecule(town, { proto });
        expect(other.resumed).toBe(false);
        expect(other.root.number).not.toBe(result.root.number);
      });
    });
  });

  describe("when a step has a gate", () => {
    const gated = `
formula = "gated"
version = 2

[[steps]]
id = "build"
title = "Build"
priority = 1

[[steps]]
id = "deploy"
title = "Deploy"
needs = ["build"]
labels = ["env:prod"]
metadata = { region = "eu-west", canary = true }
gate = { type = "human", timeout = "24h", description = "A release manager signs off." }
`;

    it("creates a gate issue that holds the step, with the gate's spec in its metadata", async () => {
      const town = await freshTown();
      const result = await pourMolecule(town, { proto: cookToml(gated) });
      const children = await listSubIssues(town, result.root.number);
      const gate = children.find((child) => child.type === "gate") as Bead;
      expect(gate.title).toBe("Gate (human): Deploy");
      expect(readMoleculeFields(gate.metadata)).toEqual({
        gateFor: "deploy",
        gate: { type: "human", timeout: "24h", description: "A release manager signs off." },
      });
      expect(gate.body).toContain("until a maintainer approves it by closing this issue");
      expect(result.gates).toEqual({ deploy: gate.number });
      expect(await edgesOnGitHub(town, children)).toEqual({
        build: [],
        "gate:deploy": [],
        deploy: ["build", "gate:deploy"],
      });
      const build = children.find((child) => child.metadata.step === "build") as Bead;
      const deploy = children.find((child) => child.metadata.step === "deploy") as Bead;
      expect(build.priority).toBe(1);
      expect(labelsOf(deploy)).toEqual(["type/step", "env:prod"]);
      expect(readMoleculeFields(deploy.metadata)).toEqual({
        needs: ["build"],
        stepMetadata: { region: "eu-west", canary: true },
      });
    });
  });

  describe("when a pour is cut short", () => {
    const cases = [
      { what: "after the third issue is created", endpoint: CREATE_ISSUE, allow: 3 },
      { what: "between creating a step and linking it", endpoint: ADD_SUB_ISSUE, allow: 2 },
      { what: "while recording the edges", endpoint: ADD_BLOCKED_BY, allow: 2 },
    ];

    for (const { what, endpoint, allow } of cases) {
      describe(what, () => {
        it("completes the molecule on the next pour without a duplicate step", async () => {
          const town = await freshTown();
          const proto = await cookBuiltin("shiny", { feature: "search" });
          const failing = townFailingAfter(t, { endpoint, allow });
          failing.repo = town.repo;
          await expect(pourMolecule(failing, { proto })).rejects.toThrow(/injected failure/);

          const result = await pourMolecule(town, { proto });
          expect(result.resumed).toBe(true);
          const all = await listBeads(town, { state: "all" });
          const steps = all.filter((bead) => bead.type === "step").map((bead) => bead.metadata.step);
          expect(steps.sort()).toEqual(["design", "implement", "review", "submit", "test"]);
          expect(all.filter((bead) => bead.type === "molecule")).toHaveLength(1);

          const children = await listSubIssues(town, result.root.number);
          expect(children).toHaveLength(5);
          expect(await edgesOnGitHub(town, children)).toEqual({
            design: [],
            implement: ["design"],
            review: ["implement"],
            test: ["review"],
            submit: ["test"],
          });
        });
      });
    }
  });

  describe("when the formula cannot be poured", () => {
    it("refuses a protomolecule cooked without vars before writing anything", async () => {
      const town = await freshTown();
      const before = t.requests();
      const formula = parseFormula({
        source: 'formula = "x"\n[[steps]]\nid = "a"\ntitle = "A"\n',
        path: "x.formula.toml",
      });
      await expect(pourMolecule(town, { proto: cookFormulaSync({ formula }) })).rejects.toThrow(
        /cooked without var values/,
      );
      expect(t.requests()).toBe(before);
    });

    it("refuses more steps than GitHub allows sub-issues, pointing at a wisp", () => {
      const steps = Array.from({ length: 101 }, (_, i) => `[[steps]]\nid = "s${i}"\ntitle = "Step ${i}"\n`);
      const proto = cookToml(`formula = "huge"\n${steps.join("\n")}`);
      expect(() => planPour(proto)).toThrow(/at most 100 sub-issues/);
      try {
        planPour(proto);
      } catch (error: unknown) {
        expect((error as { hint: string }).hint).toContain("bd mol wisp huge");
      }
    });
  });
});
