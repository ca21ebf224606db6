import { describe, expect, it } from "vitest";
import { matchGlob } from "../../src/formula/index.ts";
import { cook, shape } from "./helpers.ts";

const pipeline = `
[[steps]]
id = "design"
title = "Design"

[[steps]]
id = "api.implement"
title = "Implement the API"
needs = ["design"]

[[steps]]
id = "ui.implement"
title = "Implement the UI"
needs = ["design"]
labels = ["frontend"]

[[steps]]
id = "submit"
title = "Submit"
needs = ["api.implement", "ui.implement"]
`;

describe("matchGlob", () => {
  it.each([
    ["design", "design", true],
    ["design", "designs", false],
    ["*.implement", "api.implement", true],
    ["*.implement", "implement", false],
    ["api.*", "api.implement", true],
    ["api.*.done", "api.x.y.done", true],
    ["*", "anything.at.all", true],
    ["te?t", "test", true],
    ["a+b", "a+b", true],
    ["a+b", "aab", false],
  ])("%s matches %s: %s", (pattern, id, expected) => {
    expect(matchGlob(pattern, id)).toBe(expected);
  });
});

describe("advice", () => {
  describe("when before and after advice match by glob", () => {
    const source = `formula = "adv"
${pipeline}
[[advice]]
target = "*.implement"
before = { id = "{step.id}.plan", title = "Plan {step.title}" }
after = [
  { id = "{step.id}.lint", title = "Lint" },
  { id = "{step.id}.docs", title = "Docs for {step.id}" },
]
`;

    it("wraps every matching step: before after its needs, after before its dependents", async () => {
      const proto = await cook(source);
      expect(shape(proto)).toEqual([
        "design",
        "api.implement.plan<-design",
        "api.implement<-api.implement.plan",
        "api.implement.lint<-api.implement",
        "api.implement.docs<-api.implement.lint",
        "ui.implement.plan<-design",
        "ui.implement<-ui.implement.plan",
        "ui.implement.lint<-ui.implement",
        "ui.implement.docs<-ui.implement.lint",
        "submit<-api.implement.docs,ui.implement.docs",
      ]);
    });

    it("fills in {step.id} and {step.title}", async () => {
      const proto = await cook(source);
      const titles = Object.fromEntries(proto.steps.map((step) => [step.id, step.title]));
      expect(titles["ui.implement.plan"]).toBe("Plan Implement the UI");
      expect(titles["api.implement.docs"]).toBe("Docs for api.implement");
      expect(titles["api.implement.lint"]).toBe("Lint");
    });
  });

  describe("when advice steps leave out the title", () => {
    it("titles them with their id", async () => {
      const proto = await cook(
        `formula = "t"\n${pipeline}\n[[advice]]\ntarget = "design"\nafter = { id = "design-notes" }\n`,
      );
      expect(proto.steps.find((step) => step.id === "design-notes")?.title).toBe("design-notes");
    });
  });

  describe("when an aspect restricts its advice with pointcuts", () => {
    const aspect = `formula = "frontend-review"
type = "aspect"
[[advice]]
target = "*"
[advice.around]
after = [{ id = "{step.id}-a11y", title = "Accessibility check" }]

[[pointcuts]]
label = "frontend"
`;

    it("advises only the steps a pointcut matches", async () => {
      const proto = await cook(`formula = "w"\n${pipeline}\n[compose]\naspects = ["frontend-review"]\n`, {
        library: { "frontend-review": aspect },
      });
      expect(proto.steps.map((step) => step.id)).toEqual([
        "design",
        "api.implement",
        "ui.implement",
        "ui.implement-a11y",
        "submit",
      ]);
      expect(proto.steps.find((step) => step.id === "ui.implement-a11y")?.source).toBe("frontend-review");
    });
  });

  describe("when two aspects apply", () => {
    it("lets neither advise the other's steps", async () => {
      const first = `formula = "first"\ntype = "aspect"\n[[advice]]\ntarget = "*"\nafter = { id = "{step.id}-x", title = "X" }\n`;
      const second = `formula = "second"\ntype = "aspect"\n[[advice]]\ntarget = "*"\nafter = { id = "{step.id}-y", title = "Y" }\n`;
      const proto = await cook(
        `formula = "w"\n[[steps]]\nid = "a"\ntitle = "A"\n[compose]\naspects = ["first", "second"]\n`,
        { library: { first, second } },
      );
      expect(shape(proto)).toEqual(["a", "a-y<-a", "a-x<-a-y"]);
    });
  });

  describe("when compose.aspects names a formula that is not an aspect", () => {
    it("says what kind of formula it is", async () => {
      const { rejection } = await import("./helpers.ts");
      const error = await rejection(
        cook(`formula = "w"\n[[steps]]\nid = "a"\ntitle = "A"\n[compose]\naspects = ["shiny"]\n`),
      );
      expect(error.message).toBe('test.formula.toml:6:12: "shiny" is a workflow formula, not an aspect');
    });
  });
});
