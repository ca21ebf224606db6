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

    it("locates an unknown key in it and suggests the one meant", () => {
      const error = formulaErrorOf(() =>
        parse(
          '{\n  "formula": "j",\n  "steps": [\n    { "id": "a", "titel": "A" }\n  ]\n}\n',
          "j.formula.json",
        ),
      );
      expect(error.message).toBe('j.formula.json:4:18: unknown key "titel" in step "a"');
      expect(error.hint).toMatch(/^Did you mean "title"\? Keys allowed here: id, title,/);
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

  describe("when a gate is misspelt", () => {
    it.each([
      ["timer", "30m"],
      ["gh:run", "1h"],
      ["gh:pr", "2d"],
      ["human", "24h"],
      ["mail", "45s"],
      ["bead", "1h30m"],
    ])("accepts a %s gate with timeout %s", (type, timeout) => {
      const formula = parse(
        `formula = "g"\n[[steps]]\nid = "a"\ntitle = "A"\ngate = { type = "${type}", id = "x", timeout = "${timeout}" }\n`,
      );
      expect(formula.steps[0]?.gate).toEqual({ type, id: "x", timeout });
    });

    it("suggests the gate type that was meant", () => {
      const error = formulaErrorOf(() =>
        parse(`formula = "g"\n[[steps]]\nid = "a"\ntitle = "A"\ngate = { type = "gh-run" }\n`),
      );
      expect(error.code).toBe("enum");
      expect(error.message).toBe(
        'test.formula.toml:5:10: type of the gate of step "a" must be one of timer, gh:run, gh:pr, human, mail, bead (got "gh-run")',
      );
      expect(error.hint).toBe('Did you mean "gh:run"? Write type = "gh:run".');
    });

    it("shows how to write a timeout", () => {
      const error = formulaErrorOf(() =>
        parse(
          `formula = "g"\n[[steps]]\nid = "a"\ntitle = "A"\ngate = { type = "timer", timeout = "30 minutes" }\n`,
        ),
      );
      expect(error.message).toBe(
        'test.formula.toml:5:26: timeout of the gate of step "a" is not valid (got "30 minutes")',
      );
      expect(error.hint).toBe('Write a duration such as "30m", "1h30m", "45s" or "2d".');
    });
  });

  describe("when a loop has no body", () => {
    it("shows the table to add", () => {
      const error = formulaErrorOf(() =>
        parse(`formula = "l"\n[[steps]]\nid = "a"\n[steps.loop]\ncount = 2\n`),
      );
      expect(error.message).toBe('test.formula.toml:4:1: the loop of step "a" has no "body"');
      expect(error.hint).toBe(
        'Add its steps as [[steps.loop.body]] tables, each with id = "..." and title = "...".',
      );
    });
  });

  describe("when a typed var's default has the wrong type", () => {
    it("says what an int and a bool look like", () => {
      const error = formulaErrorOf(() =>
        parse(
          `formula = "v"\n[vars.n]\ntype = "int"\ndefault = "many"\n[vars.b]\ntype = "bool"\ndefault = "yes"\n[[steps]]\nid = "a"\ntitle = "A"\n`,
        ),
      );
      expect(error.describe()).toBe(
        'test.formula.toml:4:1: var "n" must be a whole number (got "many")\n' +
          '  hint: Write default = "3" (a whole number).\n' +
          'test.formula.toml:7:1: var "b" must be true or false (got "yes")\n' +
          '  hint: Write default = "true" or false.',
      );
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
