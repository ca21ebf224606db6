// Property tests on generated formulas: whatever DAG of steps, loops and children goes in, the
// cooked protomolecule is acyclic, every need names a step, and every dependency written in
// the formula still holds between everything the two steps became.
import fc from "fast-check";
import { stringify } from "smol-toml";
import { describe, expect, it } from "vitest";
import { cookFormulaSync, FormulaError, parseFormula, type Protomolecule } from "../../src/formula/index.ts";

interface GenStep {
  id: string;
  title?: string;
  needs?: string[];
  loop?: { count: number; var: string; body: GenStep[] };
  children?: GenStep[];
}

/** A random DAG: step i may need any of the steps before it. */
function dag(prefix: string, maxSize: number): fc.Arbitrary<GenStep[]> {
  return fc.integer({ min: 1, max: maxSize }).chain((size) =>
    fc
      .tuple(...Array.from({ length: size }, (_, i) => fc.subarray(Array.from({ length: i }, (_, j) => j))))
      .map((needsLists) =>
        needsLists.map((needs, i) => ({
          id: `${prefix}${i}`,
          title: `Step ${prefix}${i}`,
          needs: needs.map((j) => `${prefix}${j}`),
        })),
      ),
  );
}

type Decoration =
  | { kind: "plain" }
  | { kind: "loop"; count: number; body: GenStep[] }
  | { kind: "children"; children: GenStep[] };

const decoration: fc.Arbitrary<Decoration> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Decoration>({ kind: "plain" }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("loop" as const),
      count: fc.integer({ min: 1, max: 3 }),
      body: dag("b", 3),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("children" as const), children: dag("c", 3) }) },
);

/** Steps in a shuffled order, some of them loops or epics with children. */
const formulaSteps: fc.Arbitrary<GenStep[]> = dag("s", 20).chain((steps) =>
  fc
    .tuple(
      fc.shuffledSubarray(steps, { minLength: steps.length, maxLength: steps.length }),
      fc.array(decoration, { minLength: steps.length, maxLength: steps.length }),
    )
    .map(([shuffled, decorations]) =>
      shuffled.map((step, i) => {
        const deco = decorations[i]!;
        if (deco.kind === "loop") {
          return {
            id: step.id,
            needs: step.needs ?? [],
            loop: {
              count: deco.count,
              var: "n",
              body: deco.body.map((b) => ({ ...b, title: `${b.title} round {n}` })),
            },
          };
        }
        if (deco.kind === "children") {
          const rename = (id: string): string => `${step.id}_${id}`;
          return {
            ...step,
            children: deco.children.map((c) => ({
              ...c,
              id: rename(c.id),
              needs: (c.needs ?? []).map(rename),
            })),
          };
        }
        return step;
      }),
    ),
);

function serialize(steps: GenStep[], asJson: boolean): { source: string; path: string } {
  const doc = { formula: "generated", steps };
  return asJson
    ? { source: JSON.stringify(doc, null, 1), path: "generated.formula.json" }
    : { source: stringify(doc), path: "generated.formula.toml" };
}

function cook(steps: GenStep[], asJson: boolean): Protomolecule {
  return cookFormulaSync({ formula: parseFormula(serialize(steps, asJson)) });
}

/** Everything a written step became: itself, its loop iterations, its children. */
function derived(proto: Protomolecule, id: string): string[] {
  return proto.steps
    .map((step) => step.id)
    .filter(
      (candidate) =>
        candidate === id || candidate.startsWith(`${id}.iter`) || candidate.startsWith(`${id}_c`),
    );
}

function ancestors(proto: Protomolecule): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const step of proto.steps) {
    const set = new Set<string>();
    for (const need of step.needs) {
      set.add(need);
      for (const id of out.get(need) ?? []) set.add(id);
    }
    out.set(step.id, set);
  }
  return out;
}

describe("cooking generated formulas", () => {
  it("always yields an acyclic DAG, in topological order, whose needs all exist", () => {
    fc.assert(
      fc.property(formulaSteps, fc.boolean(), (steps, asJson) => {
        const proto = cook(steps, asJson);
        const seen = new Set<string>();
        for (const step of proto.steps) {
          expect(seen.has(step.id)).toBe(false);
          for (const need of step.needs) expect(seen.has(need)).toBe(true);
          seen.add(step.id);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("keeps every written dependency between everything the two steps became", () => {
    fc.assert(
      fc.property(formulaSteps, (steps) => {
        const proto = cook(steps, false);
        const before = ancestors(proto);
        for (const step of steps) {
          for (const need of step.needs ?? []) {
            for (const later of derived(proto, step.id)) {
              for (const earlier of derived(proto, need)) expect(before.get(later)?.has(earlier)).toBe(true);
            }
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it("preserves a plain DAG exactly", () => {
    fc.assert(
      fc.property(dag("s", 25), (steps) => {
        const proto = cook(steps, false);
        const needs = Object.fromEntries(proto.steps.map((step) => [step.id, [...step.needs].sort()]));
        expect(needs).toEqual(
          Object.fromEntries(steps.map((step) => [step.id, [...(step.needs ?? [])].sort()])),
        );
      }),
    );
  });

  it("refuses a DAG with a back edge, printing a real cycle", () => {
    fc.assert(
      fc.property(
        dag("s", 15).filter((steps) => steps.length >= 2),
        fc.nat(),
        fc.nat(),
        (steps, a, b) => {
          // Step `early` needs step `late`, and `late` is made to reach `early`.
          const late = steps[1 + (a % (steps.length - 1))]!;
          const early = steps[b % steps.indexOf(late)]!;
          late.needs = [...new Set([...(late.needs ?? []), early.id])];
          early.needs = [...(early.needs ?? []), late.id];
          let error: unknown;
          try {
            cook(steps, false);
          } catch (caught: unknown) {
            error = caught;
          }
          expect(error).toBeInstanceOf(FormulaError);
          const formulaError = error as FormulaError;
          expect(formulaError.code).toBe("cycle");
          const cycle = formulaError.message.split("needs form a cycle: ")[1]!.split(" → ");
          expect(cycle[0]).toBe(cycle.at(-1));
          const byId = new Map(steps.map((step) => [step.id, step]));
          for (let i = 0; i + 1 < cycle.length; i++)
            expect(byId.get(cycle[i]!)?.needs).toContain(cycle[i + 1]);
        },
      ),
    );
  });
});
