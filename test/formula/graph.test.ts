import { describe, expect, it } from "vitest";
import {
  type CookedStep,
  escapeMermaidLabel,
  findCycle,
  type Protomolecule,
  readySteps,
  renderMermaid,
  stepStates,
  topologicalOrder,
} from "../../src/formula/index.ts";

function step(id: string, needs: string[] = [], extra: Partial<CookedStep> = {}): CookedStep {
  return {
    id,
    title: id.toUpperCase(),
    description: "",
    type: "task",
    needs,
    labels: [],
    metadata: {},
    source: "t",
    ...extra,
  };
}

const proto: Pick<Protomolecule, "steps"> = {
  steps: [step("design"), step("api", ["design"]), step("ui", ["design"]), step("ship", ["api", "ui"])],
};

describe("topologicalOrder", () => {
  it("puts every step after its needs and otherwise keeps the given order", () => {
    const order = topologicalOrder([step("c", ["b"]), step("a"), step("b", ["a"]), step("d")]);
    expect(order.map((s) => s.id)).toEqual(["a", "b", "c", "d"]);
  });

  it("handles long chains without running out of stack", () => {
    const chain = Array.from({ length: 20_000 }, (_, i) =>
      step(`s${i}`, i === 0 ? [] : [`s${i - 1}`]),
    ).reverse();
    expect(topologicalOrder(chain)[0]?.id).toBe("s0");
  });

  it("throws on a cycle", () => {
    expect(() => topologicalOrder([step("a", ["b"]), step("b", ["a"])])).toThrow(
      "steps form a cycle: a → b → a",
    );
  });
});

describe("findCycle", () => {
  it("returns the cycle with each id needing the next", () => {
    expect(findCycle([step("x"), step("a", ["c"]), step("b", ["a"]), step("c", ["b"])])).toEqual([
      "a",
      "c",
      "b",
      "a",
    ]);
  });

  it("returns undefined for a DAG and ignores unknown needs", () => {
    expect(findCycle([step("a", ["ghost"]), step("b", ["a"])])).toBeUndefined();
  });
});

describe("readySteps", () => {
  describe("when nothing is done", () => {
    it("offers the steps with no needs", () => {
      expect(readySteps(proto, new Set()).map((s) => s.id)).toEqual(["design"]);
    });
  });

  describe("when some steps are done", () => {
    it("offers the steps whose needs are all done, in order", () => {
      expect(readySteps(proto, new Set(["design"])).map((s) => s.id)).toEqual(["api", "ui"]);
      expect(readySteps(proto, new Set(["design", "api"])).map((s) => s.id)).toEqual(["ui"]);
      expect(readySteps(proto, new Set(["design", "api", "ui", "ship"]))).toEqual([]);
    });

    it("reports every step's state", () => {
      expect(Object.fromEntries(stepStates(proto, new Set(["design", "api"])))).toEqual({
        design: "done",
        api: "done",
        ui: "ready",
        ship: "blocked",
      });
    });
  });
});

describe("renderMermaid", () => {
  it("draws nodes and edges from each need to its dependent", () => {
    expect(renderMermaid(proto)).toMatchInlineSnapshot(`
      "graph TD
        s_design["DESIGN"]
        s_api["API"]
        s_ui["UI"]
        s_ship["SHIP"]
        s_design --> s_api
        s_design --> s_ui
        s_api --> s_ship
        s_ui --> s_ship
      "
    `);
  });

  it("escapes labels and makes ids mermaid-safe and unique", () => {
    const text = renderMermaid({
      steps: [
        step("a.b", [], { title: 'Say "hi" <b>#1</b> `x`\nnext' }),
        step("a-b", ["a.b"], { gate: { type: "timer", timeout: "1h" } }),
        step("end", ["a-b"], { type: "epic" }),
      ],
    });
    expect(text).toMatchInlineSnapshot(`
      "graph TD
        s_a_b["Say #quot;hi#quot; #lt;b#gt;#35;1#lt;/b#gt; #96;x#96; next"]
        s_a_b_2{{"A-B"}}
        s_end[["END"]]
        s_a_b --> s_a_b_2
        s_a_b_2 --> s_end
      "
    `);
  });

  it("marks done and ready steps when told what is done", () => {
    const text = renderMermaid(proto, { done: new Set(["design"]) });
    expect(text).toContain("  class s_design done\n");
    expect(text).toContain("  class s_api,s_ui ready\n");
  });

  it("escapes entity-looking text so it cannot inject markup", () => {
    expect(escapeMermaidLabel("#quot;")).toBe("#35;quot;");
  });
});
