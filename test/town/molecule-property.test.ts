// Property: whatever small DAG a formula describes, pouring it onto the loopback GitHub
// reproduces it (one sub-issue per step and gate, one blocked-by edge per need and gate), and a
// walk that always closes a ready step (opening a gate when only its gate holds a step) closes
// every step with `step done`, never refused, in a topological order.
import fc from "fast-check";
import { stringify } from "smol-toml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listBlockedBy } from "../../src/github/dependencies.ts";
import { closeBead } from "../../src/github/issues.ts";
import { listSubIssues } from "../../src/github/sub-issues.ts";
import {
  completeStep,
  loadMolecule,
  pourMolecule,
  readMoleculeFields,
} from "../../src/town/molecule/index.ts";
import { startTown, type TestTown } from "./helpers.ts";
import { cookToml } from "./molecule-helpers.ts";

let t: TestTown;
beforeAll(async () => {
  t = await startTown({ name: "property" });
});
afterAll(async () => {
  await t?.stop();
});

interface GenStep {
  id: string;
  needs: number[];
  gated: boolean;
}

/** Up to 8 steps; step i may need any steps before it, and may wait on a human gate. */
const dags: fc.Arbitrary<GenStep[]> = fc.integer({ min: 1, max: 8 }).chain((size) =>
  fc
    .tuple(
      ...Array.from({ length: size }, (_, i) =>
        fc.record({
          needs: fc.subarray(Array.from({ length: i }, (_, j) => j)),
          gated: fc.boolean().map((b) => b && i % 3 === 1),
        }),
      ),
    )
    .map((steps) => steps.map((step, i) => ({ id: `s${i}`, ...step }))),
);

function toml(name: string, steps: readonly GenStep[]): string {
  return stringify({
    formula: name,
    steps: steps.map((step) => ({
      id: step.id,
      title: `Step ${step.id}`,
      needs: step.needs.map((j) => `s${j}`),
      ...(step.gated ? { gate: { type: "human" } } : {}),
    })),
  });
}

let runs = 0;

describe("pouring random step DAGs", () => {
  it("reproduces the DAG on GitHub and a walk with step done closes every step", async () => {
    await fc.assert(
      fc.asyncProperty(dags, async (steps) => {
        const proto = cookToml(toml(`dag-${++runs}`, steps));
        const { root, gates } = await pourMolecule(t.town, { proto });

        const children = await listSubIssues(t.town, root.number);
        const gated = steps.filter((step) => step.gated);
        expect(children).toHaveLength(steps.length + gated.length);
        const idOf = new Map(
          children.map((child) => [
            child.id,
            child.metadata.step ?? `gate:${readMoleculeFields(child.metadata).gateFor}`,
          ]),
        );
        for (const child of children) {
          if (child.type !== "step") continue;
          const step = steps.find((candidate) => candidate.id === child.metadata.step) as GenStep;
          const expected = step.needs.map((j) => `s${j}`);
          if (step.gated) expected.push(`gate:${step.id}`);
          const blockers = (await listBlockedBy(t.town, child.number)).map((b) => idOf.get(b.id));
          expect(blockers.sort()).toEqual(expected.sort());
        }

        const closedOrder: string[] = [];
        for (let turn = 0; turn < steps.length + gated.length; turn++) {
          const { view } = await loadMolecule(t.town, root.number);
          if (view.progress.done === view.progress.total) break;
          const next = view.ready[0];
          if (next === undefined) {
            const held = view.steps.find(
              (step) => step.state === "blocked" && step.gate?.open && step.waitingOn.length === 1,
            );
            expect(held).toBeDefined();
            await closeBead(t.town, { number: gates[held?.id as string] as number });
            continue;
          }
          const done = await completeStep(t.town, { root: root.number, step: next.id });
          expect(done.changed).toBe(true);
          closedOrder.push(next.id);
        }

        const { view } = await loadMolecule(t.town, root.number);
        expect(view.progress).toEqual({ done: steps.length, total: steps.length, percent: 100 });
        const position = new Map(closedOrder.map((id, i) => [id, i]));
        for (const step of steps) {
          for (const need of step.needs) {
            expect(position.get(`s${need}`) as number).toBeLessThan(position.get(step.id) as number);
          }
        }
      }),
      { numRuns: 5 },
    );
  });
});
