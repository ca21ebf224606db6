import { describe, expect, it } from "vitest";
import { cook, rejection, shape } from "./helpers.ts";

const base = `formula = "base"
[vars]
env = "staging"
owner = "ops"

[[steps]]
id = "plan"
title = "Plan"

[[steps]]
id = "build"
title = "Build for {{env}}"
needs = ["plan"]

[[steps]]
id = "ship"
title = "Ship"
needs = ["build"]
`;

const audit = `formula = "audit"
[vars]
owner = "security"
auditor = "sam"

[[steps]]
id = "audit"
title = "Audit"
needs = ["build"]
`;

describe("extends", () => {
  describe("when a child extends two parents", () => {
    const child = `formula = "child"
extends = ["base", "audit"]
[vars]
env = "production"

[[steps]]
id = "build"
title = "Build carefully for {{env}}"
needs = ["plan"]

[[steps]]
id = "celebrate"
title = "Celebrate"
needs = ["ship", "audit"]
`;

    it("replaces a parent step in place and appends new steps after the inherited ones", async () => {
      const proto = await cook(child, { library: { base, audit } });
      expect(shape(proto)).toEqual([
        "plan",
        "build<-plan",
        "ship<-build",
        "audit<-build",
        "celebrate<-ship,audit",
      ]);
      expect(proto.steps[1]?.title).toBe("Build carefully for {{env}}");
    });

    it("inherits vars with the later parent and then the child winning", async () => {
      const proto = await cook(child, { library: { base, audit }, vars: {} });
      expect(proto.vars.env?.value).toBe("production");
      expect(proto.vars.owner?.value).toBe("security");
      expect(proto.vars.auditor?.value).toBe("sam");
      expect(proto.steps[1]?.title).toBe("Build carefully for production");
    });

    it("records which formula each step came from", async () => {
      const proto = await cook(child, { library: { base, audit } });
      expect(proto.steps.map((step) => step.source)).toEqual(["base", "child", "base", "audit", "child"]);
    });
  });

  describe("when parents share a grandparent", () => {
    it("keeps one copy of each inherited step", async () => {
      const left = `formula = "left"\nextends = ["base"]\n[[steps]]\nid = "left"\ntitle = "Left"\nneeds = ["plan"]\n`;
      const right = `formula = "right"\nextends = ["base"]\n[[steps]]\nid = "right"\ntitle = "Right"\nneeds = ["plan"]\n`;
      const proto = await cook(`formula = "diamond"\nextends = ["left", "right"]\n`, {
        library: { base, left, right },
      });
      expect(proto.steps.map((step) => step.id).sort()).toEqual(["build", "left", "plan", "right", "ship"]);
    });
  });

  describe("when the child leaves optional fields out", () => {
    it("inherits the parent's description, version, type and pour", async () => {
      const parent = `formula = "parent"\ndescription = "Parent"\nversion = 3\npour = true\n[[steps]]\nid = "a"\ntitle = "A"\n`;
      const proto = await cook(`formula = "kid"\nextends = ["parent"]\n`, { library: { parent } });
      expect(proto).toMatchObject({
        formula: "kid",
        description: "Parent",
        version: 3,
        type: "workflow",
        pour: true,
      });
    });
  });

  describe("when a formula extends itself through another", () => {
    it("refuses with the cycle", async () => {
      const a = `formula = "a"\nextends = ["b"]\n`;
      const b = `formula = "b"\nextends = ["a"]\n`;
      const error = await rejection(cook(`formula = "top"\nextends = ["a"]\n`, { library: { a, b } }));
      expect(error.code).toBe("extends-cycle");
      expect(error.message).toBe("lib/b.formula.toml:2:12: extends cycle: a → b → a");
    });

    it("refuses a formula that names itself", async () => {
      const error = await rejection(cook(`formula = "self"\nextends = ["self"]\n`));
      expect(error.message).toBe("test.formula.toml:2:12: extends cycle: self → self");
    });
  });
});
