import { describe, expect, it } from "vitest";
import { cookFormulaSync, parseFormula } from "../../src/formula/index.ts";
import { cook, rejection, shape } from "./helpers.ts";

describe("cookFormula", () => {
  describe("when no vars are given (compile mode)", () => {
    const source = `formula = "m"
description = "Ship {{feature}}"
[vars.feature]
required = true
[vars.docs]
default = "true"
[[steps]]
id = "build"
title = "Build {{feature}}"
labels = ["area:{{feature}}"]
metadata = { note = "for {{feature}}" }
[[steps]]
id = "docs"
title = "Document {{feature}}"
needs = ["build"]
condition = "{{docs}}"
`;

    it("keeps {{vars}} and conditions for a later pour", async () => {
      const proto = await cook(source);
      expect(proto).toMatchObject({ mode: "compile", description: "Ship {{feature}}" });
      expect(proto.steps[0]).toMatchObject({
        title: "Build {{feature}}",
        labels: ["area:{{feature}}"],
        metadata: { note: "for {{feature}}" },
      });
      expect(proto.steps[1]?.condition).toBe("{{docs}}");
      expect(proto.vars.feature).toEqual({ required: true, type: "string" });
    });

    it("substitutes everything once vars are given", async () => {
      const proto = await cook(source, { vars: { feature: "search" } });
      expect(proto).toMatchObject({ mode: "runtime", description: "Ship search" });
      expect(proto.steps[0]).toMatchObject({
        title: "Build search",
        labels: ["area:search"],
        metadata: { note: "for search" },
      });
      expect(proto.steps[1]?.condition).toBeUndefined();
      expect(proto.vars.feature?.value).toBe("search");
    });
  });

  describe("when a condition is false", () => {
    it("drops the step and its children, and dependents inherit its needs", async () => {
      const proto = await cook(
        `formula = "c"
[vars]
docs = "false"
[[steps]]
id = "build"
title = "Build"
[[steps]]
id = "docs"
title = "Docs"
needs = ["build"]
condition = "{{docs}}"
[[steps.children]]
id = "guide"
title = "Guide"
[[steps]]
id = "release"
title = "Release"
needs = ["docs"]
[[steps]]
id = "tweet"
title = "Tweet"
needs = ["release"]
condition = "{{docs}} != false"
`,
        { vars: {} },
      );
      expect(shape(proto)).toEqual(["build", "release<-build"]);
    });

    it.each([
      ["{{mode}} == fast", "fast", true],
      ["{{mode}} == 'fast'", "slow", false],
      ["!{{mode}}", "0", true],
      ["{{mode}}", "", false],
    ])("decides %s with mode=%j as %s", async (condition, mode, kept) => {
      const proto = await cook(
        `formula = "c"\n[vars]\nmode = ""\n[[steps]]\nid = "a"\ntitle = "A"\ncondition = "${condition.replace(/"/g, '\\"')}"\n`,
        { vars: { mode } },
      );
      expect(proto.steps.length === 1).toBe(kept);
    });

    it("refuses a condition on a var the formula does not declare", async () => {
      const error = await rejection(
        cook(`formula = "c"\n[vars]\nmode = "x"\n[[steps]]\nid = "a"\ntitle = "A"\ncondition = "{{mdoe}}"\n`),
      );
      expect(error.message).toBe(
        'test.formula.toml:5:1: condition of step "a" uses {{mdoe}}, which is not a var of this formula',
      );
      expect(error.hint).toBe('Did you mean "mode"? Declare it under [vars], or use one of: mode.');
    });
  });

  describe("when steps have children", () => {
    it("flattens them into an epic that needs its children, which wait for the epic's needs", async () => {
      const proto = await cook(`formula = "e"
[[steps]]
id = "plan"
title = "Plan"
[[steps]]
id = "build"
title = "Build"
needs = ["plan"]
[[steps.children]]
id = "api"
title = "API"
[[steps.children]]
id = "ui"
title = "UI"
needs = ["api"]
[[steps]]
id = "ship"
title = "Ship"
needs = ["build"]
`);
      expect(shape(proto)).toEqual(["plan", "api<-plan", "ui<-api", "build<-plan,api,ui", "ship<-build"]);
      expect(proto.steps.find((step) => step.id === "build")?.type).toBe("epic");
      expect(proto.steps.find((step) => step.id === "ui")?.parent).toBe("build");
    });
  });

  describe("when compose adds a fork-join, a runtime gate and bond points", () => {
    it("wires the branch, labels the gated step and reports the bond points", async () => {
      const proto = await cook(`formula = "b"
[[steps]]
id = "start"
title = "Start"
[[steps]]
id = "left"
title = "Left"
[[steps]]
id = "right"
title = "Right"
[[steps]]
id = "join"
title = "Join"

[[compose.branch]]
from = "start"
steps = ["left", "right"]
join = "join"

[[compose.gate]]
before = "join"
condition = "env.CI == 'true'"

[[compose.bond_points]]
id = "after-start"
after_step = "start"
`);
      expect(shape(proto)).toEqual(["start", "left<-start", "right<-start", "join<-left,right"]);
      expect(proto.steps[3]).toMatchObject({
        labels: ["gate:condition"],
        metadata: { gate_condition: "env.CI == 'true'" },
      });
      expect(proto.bondPoints).toEqual([{ id: "after-start", afterStep: "start" }]);
    });
  });

  describe("when compose declares hooks", () => {
    const source = `formula = "h"
[vars]
team = "core"
[[steps]]
id = "triage"
title = "Triage"
[[compose.hooks]]
trigger = "label:security"
attach = "security-audit"
at = "triage"
vars = { owner = "{{team}}" }
`;

    it("carries them to the protomolecule for the runtime, vars kept in compile mode", async () => {
      expect((await cook(source)).hooks).toEqual([
        { trigger: "label:security", attach: "security-audit", at: "triage", vars: { owner: "{{team}}" } },
      ]);
    });

    it("substitutes their vars in runtime mode", async () => {
      expect((await cook(source, { vars: { team: "infra" } })).hooks?.[0]?.vars).toEqual({ owner: "infra" });
    });
  });

  describe("when a step has a gate and runtime fields", () => {
    it("carries them to the cooked step with vars substituted", async () => {
      const proto = await cook(
        `formula = "g"
[vars]
run = "ci.yml"
who = "octocat"
[[steps]]
id = "wait"
title = "Wait for CI"
priority = 1
assignee = "{{who}}"
acceptance = "Green"
notes = "n"
waits_for = "all-children"
[steps.gate]
type = "gh:run"
id = "{{run}}"
timeout = "30m"
`,
        { vars: {} },
      );
      expect(proto.steps[0]).toEqual({
        id: "wait",
        title: "Wait for CI",
        description: "",
        type: "task",
        needs: [],
        labels: [],
        metadata: {},
        gate: { type: "gh:run", id: "ci.yml", timeout: "30m" },
        priority: 1,
        assignee: "octocat",
        acceptance: "Green",
        notes: "n",
        waitsFor: "all-children",
        source: "g",
      });
    });
  });

  describe("when a convoy is cooked", () => {
    it("runs the legs in parallel and the synthesis after them all", async () => {
      const proto = await cook(
        `formula = "cv"
type = "convoy"
[inputs.pr]
required_unless = ["branch"]
[inputs.branch]
[[legs]]
id = "a"
focus = "alpha"
[[legs]]
id = "b"
title = "Bravo"
[synthesis]
title = "Merge"
`,
        { vars: { branch: "feature" } },
      );
      expect(shape(proto)).toEqual(["a", "b", "synthesis<-a,b"]);
      expect(proto.steps[0]).toMatchObject({
        title: "a",
        description: "alpha",
        labels: ["convoy:leg"],
        metadata: { focus: "alpha" },
      });
      expect(proto.vars.pr).toMatchObject({ input: true, value: "" });
    });

    it("requires one of the alternative inputs", async () => {
      const error = await rejection(
        cook(
          `formula = "cv"\ntype = "convoy"\n[inputs.pr]\nrequired_unless = ["branch"]\n[inputs.branch]\n[[legs]]\nid = "a"\n`,
          {
            vars: {},
          },
        ),
      );
      expect(error.message).toBe('test.formula.toml:3:1: input "pr" is required but no value was given');
      expect(error.hint).toBe("Pass --var pr=<value> (or one of: --var branch=...).");
    });
  });

  describe("when cooked synchronously with a library", () => {
    it("gives the same protomolecule as the async cook", async () => {
      const base = parseFormula({
        source: `formula = "base"\n[[steps]]\nid = "a"\ntitle = "A"\n`,
        path: "base.formula.toml",
      });
      const child = parseFormula({
        source: `formula = "kid"\nextends = ["base"]\n`,
        path: "kid.formula.toml",
      });
      const proto = cookFormulaSync({ formula: child, library: new Map([["base", base]]) });
      expect(shape(proto)).toEqual(["a"]);
    });
  });

  describe("when the same step id appears after expansion", () => {
    it("reports both places", async () => {
      const twice = `formula = "twice"\ntype = "expansion"\n[[template]]\nid = "shared"\ntitle = "S"\n`;
      const error = await rejection(
        cook(
          `formula = "d"\n[[steps]]\nid = "a.shared"\ntitle = "A"\n[[steps]]\nid = "a"\nexpand = "twice"\n`,
          {
            library: { twice },
          },
        ),
      );
      expect(error.code).toBe("duplicate-id");
      expect(error.message).toBe(
        'lib/twice.formula.toml:4:1: duplicate step id "a.shared" (first at test.formula.toml:3:1)',
      );
    });
  });
});
