import { describe, expect, it } from "vitest";
import { formulaErrorOf, parse } from "./helpers.ts";

describe("parseFormula", () => {
  describe("when the formula uses every shorthand", () => {
    const formula = parse(`formula = "demo"
version = 2
extends = "base"
phase = "vapor"
pour = true

[vars]
feature = "search"
retries = 3

[vars.mode]
description = "How hard to look"
enum = ["fast", "thorough"]
default = "fast"

[[steps]]
id = "design"
title = "Design"
needs = "research"
depends_on = ["research", "kickoff"]
labels = ["docs"]
metadata = { size = "m", owners = ["a"] }

[steps.gate]
type = "gh:pr"
await_id = "12"
timeout = "1h30m"

[[steps.children]]
id = "sketch"
title = "Sketch"
`);

    it("turns var shorthands into tables with a string default", () => {
      expect(formula.vars.feature).toMatchObject({
        name: "feature",
        default: "search",
        required: false,
        type: "string",
      });
      expect(formula.vars.retries?.default).toBe("3");
      expect(formula.vars.mode).toMatchObject({
        enum: ["fast", "thorough"],
        description: "How hard to look",
      });
    });

    it("merges needs and depends_on without repeats", () => {
      expect(formula.steps[0]?.needs.map((need) => need.name)).toEqual(["research", "kickoff"]);
    });

    it("accepts a single name for extends and needs", () => {
      expect(formula.extends.map((ref) => ref.name)).toEqual(["base"]);
    });

    it("reads await_id as the gate id", () => {
      expect(formula.steps[0]?.gate).toEqual({ type: "gh:pr", id: "12", timeout: "1h30m" });
    });

    it("keeps children, metadata and the top-level fields", () => {
      expect(formula.steps[0]?.children.map((child) => child.id)).toEqual(["sketch"]);
      expect(formula.steps[0]?.metadata).toEqual({ size: "m", owners: ["a"] });
      expect(formula).toMatchObject({ name: "demo", version: 2, phase: "vapor", pour: true });
    });

    it("remembers where each step and need is written", () => {
      const step = formula.steps[0]!;
      expect(step.loc).toEqual({ file: "test.formula.toml", line: 17, column: 1 });
      expect(step.needs[1]?.loc).toEqual({ file: "test.formula.toml", line: 20, column: 27 });
      expect(step.children[0]?.loc.line).toBe(30);
    });
  });

  describe("when the formula is JSON", () => {
    it("parses the same model with positions", () => {
      const formula = parse(
        '{\n  "formula": "j",\n  "steps": [\n    { "id": "a", "title": "A" },\n    { "id": "b", "title": "B", "needs": ["a"] }\n  ]\n}\n',
        "j.formula.json",
      );
      expect(formula.steps.map((step) => step.id)).toEqual(["a", "b"]);
      expect(formula.steps[1]?.needs[0]?.loc).toEqual({ file: "j.formula.json", line: 5, column: 42 });
    });
  });

  describe("when advice gives one step as a table and others around", () => {
    it("normalises before, after and around into ordered lists", () => {
      const formula = parse(`formula = "a"
type = "aspect"

[[advice]]
target = "build"
before = { id = "{step.id}-lint", title = "Lint" }

[advice.around]
before = [{ id = "{step.id}-plan", title = "Plan" }]
after = [{ id = "{step.id}-notes", title = "Notes" }]
`);
      expect(formula.advice[0]?.before.map((step) => step.id)).toEqual(["{step.id}-lint", "{step.id}-plan"]);
      expect(formula.advice[0]?.after.map((step) => step.id)).toEqual(["{step.id}-notes"]);
    });
  });

  describe("when a convoy declares inputs", () => {
    it("folds them into vars, required unless an alternative is given", () => {
      const formula = parse(`formula = "c"
type = "convoy"

[inputs.pr]
required_unless = ["files"]

[inputs.files]
description = "Globs"

[[legs]]
id = "security"
focus = "injection"
`);
      expect(formula.vars.pr).toMatchObject({ input: true, required: true, requiredUnless: ["files"] });
      expect(formula.vars.files).toMatchObject({ input: true, required: false });
      expect(formula.legs[0]).toMatchObject({ id: "security", focus: "injection" });
    });
  });

  describe("when a step sits in a formula of the wrong type", () => {
    it("says which section the type expects", () => {
      const error = formulaErrorOf(() => parse(`formula = "w"\n[[template]]\nid = "a"\ntitle = "A"\n`));
      expect(error.message).toBe(
        'test.formula.toml:1:1: formula "w" has no steps\n' +
          "test.formula.toml:2:1: [[template]] belongs to expansion formulas, but this is a workflow",
      );
      expect(error.problems[1]?.hint).toBe('Set type = "expansion", or write these as [[steps]].');
    });
  });

  describe("when a loop is malformed", () => {
    it("reports a loop with two kinds", () => {
      const error = formulaErrorOf(() =>
        parse(
          `formula = "l"\n[[steps]]\nid = "a"\n[steps.loop]\ncount = 2\nrange = "1..3"\n[[steps.loop.body]]\nid = "b"\ntitle = "B"\n`,
        ),
      );
      expect(error.message).toBe('test.formula.toml:4:1: the loop of step "a" has both count and range');
      expect(error.code).toBe("loop");
    });

    it("reports an until loop without max", () => {
      const error = formulaErrorOf(() =>
        parse(
          `formula = "l"\n[[steps]]\nid = "a"\n[steps.loop]\nuntil = "step.status == 'complete'"\n[[steps.loop.body]]\nid = "b"\ntitle = "B"\n`,
        ),
      );
      expect(error.message).toBe('test.formula.toml:4:1: the until loop of step "a" has no max');
      expect(error.hint).toBe("Add max = <number> so the loop cannot run forever.");
    });

    it("reports a range that is not an expression", () => {
      const error = formulaErrorOf(() =>
        parse(
          `formula = "l"\n[[steps]]\nid = "a"\n[steps.loop]\nrange = "1..two"\n[[steps.loop.body]]\nid = "b"\ntitle = "B"\n`,
        ),
      );
      expect(error.message).toBe(
        'test.formula.toml:5:1: range "1..two" has a bad expression "two": unknown name "two"',
      );
    });
  });

  describe("when a timer gate has no timeout", () => {
    it("asks for one", () => {
      const error = formulaErrorOf(() =>
        parse(`formula = "g"\n[[steps]]\nid = "a"\ntitle = "A"\ngate = { type = "timer" }\n`),
      );
      expect(error.message).toBe('test.formula.toml:5:1: the timer gate of step "a" has no timeout');
      expect(error.hint).toBe('Add timeout = "30m" (how long to wait).');
    });
  });

  describe("when several things are wrong", () => {
    it("reports all of them in file order", () => {
      const error = formulaErrorOf(() =>
        parse(
          `formula = "m"\n[[steps]]\nid = "a"\ntitle = "A"\npriority = 9\n[[steps]]\nid = "b"\ntitel = "B"\n`,
        ),
      );
      expect(error.problems.map((problem) => `${problem.loc.line}:${problem.code}`)).toEqual([
        "5:invalid",
        "8:unknown-key",
      ]);
    });
  });
});
