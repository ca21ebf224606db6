import { describe, expect, it } from "vitest";
import { cook, rejection, shape } from "./helpers.ts";

const review = `formula = "double-check"
type = "expansion"
[vars]
reviewer = "a teammate"

[[template]]
id = "{target}.do"
title = "Do: {target.title}"
description = "{target.description}"

[[template]]
id = "check"
title = "Check {target.title} with {{reviewer}}"
needs = ["{target}.do"]
`;

const workflow = `formula = "w"
[[steps]]
id = "plan"
title = "Plan"

[[steps]]
id = "build"
title = "Build it"
description = "The build"
needs = ["plan"]
expand = "double-check"
expand_vars = { reviewer = "{{lead}}" }

[[steps]]
id = "ship"
title = "Ship"
needs = ["build"]

[vars]
lead = "kim"
`;

describe("expansion", () => {
  describe("when a step expands inline", () => {
    it("replaces it by the template, wired between its needs and its dependents", async () => {
      const proto = await cook(workflow, { library: { "double-check": review } });
      expect(shape(proto)).toEqual(["plan", "build.do<-plan", "build.check<-build.do", "ship<-build.check"]);
    });

    it("fills in {target}, {target.title}, {target.description} and expand_vars", async () => {
      const proto = await cook(workflow, { library: { "double-check": review } });
      expect(proto.steps[1]).toMatchObject({
        title: "Do: Build it",
        description: "The build",
        source: "double-check",
      });
      expect(proto.steps[2]?.title).toBe("Check Build it with {{lead}}");
    });

    it("substitutes outer vars passed through expand_vars in runtime mode", async () => {
      const proto = await cook(workflow, { library: { "double-check": review }, vars: { lead: "ana" } });
      expect(proto.steps[2]?.title).toBe("Check Build it with ana");
    });
  });

  describe("when compose.expand and compose.map name the steps", () => {
    const source = `formula = "c"
[[steps]]
id = "api.build"
title = "API"
[[steps]]
id = "ui.build"
title = "UI"
[[steps]]
id = "docs"
title = "Docs"
needs = ["api.build", "ui.build"]

[[compose.expand]]
target = "docs"
with = "double-check"
vars = { reviewer = "the writer" }

[[compose.map]]
select = "*.build"
with = "double-check"
`;

    it("expands the named step and every step the glob selects", async () => {
      const proto = await cook(source, { library: { "double-check": review } });
      expect(shape(proto)).toEqual([
        "api.build.do",
        "api.build.check<-api.build.do",
        "ui.build.do",
        "ui.build.check<-ui.build.do",
        "docs.do<-api.build.check,ui.build.check",
        "docs.check<-docs.do",
      ]);
      expect(proto.steps[5]?.title).toBe("Check Docs with the writer");
      expect(proto.steps[1]?.title).toBe("Check API with a teammate");
    });

    it("reports a compose.expand target that is not a step", async () => {
      const error = await rejection(
        cook(
          `formula = "c"\n[[steps]]\nid = "docs"\ntitle = "D"\n[[compose.expand]]\ntarget = "doc"\nwith = "double-check"\n`,
          {
            library: { "double-check": review },
          },
        ),
      );
      expect(error.code).toBe("unknown-target");
      expect(error.message).toBe(
        'test.formula.toml:6:1: compose.expand targets "doc", which is not a step of this formula',
      );
      expect(error.hint).toBe('Did you mean "docs"? Steps: docs.');
    });
  });

  describe("when a template's var gets no value where it is used", () => {
    it("says to pass it with expand_vars, in runtime mode", async () => {
      const needy = `formula = "needy"\ntype = "expansion"\n[[template]]\nid = "{target}.do"\ntitle = "Do it with {{tool}}"\n`;
      const source = `formula = "w"\n[[steps]]\nid = "a"\ntitle = "A"\nexpand = "needy"\n`;
      expect((await cook(source, { library: { needy } })).steps[0]?.title).toBe("Do it with {{tool}}");
      const error = await rejection(cook(source, { library: { needy }, vars: {} }));
      expect(error.message).toBe(
        'lib/needy.formula.toml:4:1: step "a.do" uses {{tool}}, which no var of w gives a value',
      );
      expect(error.hint).toBe(
        "Give it a value where needy is used (expand_vars, or vars on the compose rule), or declare tool under [vars] of w.",
      );
      const given = await cook(
        source.replace('expand = "needy"', 'expand = "needy"\nexpand_vars = { tool = "a saw" }'),
        {
          library: { needy },
          vars: {},
        },
      );
      expect(given.steps[0]?.title).toBe("Do it with a saw");
    });
  });

  describe("when expanding with a formula that is not an expansion", () => {
    it("says so at the name", async () => {
      const error = await rejection(
        cook(`formula = "c"\n[[steps]]\nid = "a"\ntitle = "A"\nexpand = "shiny"\n`),
      );
      expect(error.code).toBe("wrong-type");
      expect(error.message).toBe('test.formula.toml:5:1: "shiny" is a workflow formula, not an expansion');
    });
  });

  describe("when an expansion expands itself", () => {
    it("stops at the depth limit with the chain", async () => {
      const loop = `formula = "again"\ntype = "expansion"\n[[template]]\nid = "{target}.more"\ntitle = "More"\nexpand = "again"\n`;
      const error = await rejection(
        cook(`formula = "c"\n[[steps]]\nid = "a"\nexpand = "again"\n`, { library: { again: loop } }),
      );
      expect(error.message).toBe(
        "lib/again.formula.toml:6:1: expansion too deep: again → again → again → again → again → again (the limit is 5)",
      );
    });
  });

  describe("when expansions nest within the limit", () => {
    it("expands every level", async () => {
      const inner = `formula = "inner"\ntype = "expansion"\n[[template]]\nid = "{target}.leaf"\ntitle = "Leaf of {target.title}"\n`;
      const outer = `formula = "outer"\ntype = "expansion"\n[[template]]\nid = "{target}.mid"\ntitle = "Mid"\nexpand = "inner"\n`;
      const proto = await cook(`formula = "c"\n[[steps]]\nid = "a"\nexpand = "outer"\n`, {
        library: { inner, outer },
      });
      expect(proto.steps.map((step) => [step.id, step.title])).toEqual([["a.mid.leaf", "Leaf of Mid"]]);
    });
  });
});

describe("expansion of a conditional, assigned step", () => {
  it("passes the condition, assignee and priority to the template steps", async () => {
    const proto = await cook(
      `formula = "c"
[vars]
extra = "false"
[[steps]]
id = "a"
title = "A"
[[steps]]
id = "b"
title = "B"
assignee = "kim"
priority = 1
condition = "{{extra}}"
needs = ["a"]
expand = "double-check"
[[steps]]
id = "c"
title = "C"
needs = ["b"]
`,
      { library: { "double-check": review } },
    );
    expect(proto.steps.find((step) => step.id === "b.do")).toMatchObject({
      assignee: "kim",
      priority: 1,
      condition: "{{extra}}",
    });
    const decided = await cook(
      `formula = "c"\n[vars]\nextra = "false"\n[[steps]]\nid = "a"\ntitle = "A"\n[[steps]]\nid = "b"\ncondition = "{{extra}}"\nneeds = ["a"]\nexpand = "double-check"\n[[steps]]\nid = "c"\ntitle = "C"\nneeds = ["b"]\n`,
      { library: { "double-check": review }, vars: {} },
    );
    expect(shape(decided)).toEqual(["a", "c<-a"]);
  });
});
