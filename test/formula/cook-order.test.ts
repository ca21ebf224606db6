// The cook pipeline runs in Beads' order: extends → control flow (loops) → own advice → inline
// expand → compose expand/map → aspects → conditions → protomolecule. Each test below would
// cook differently if two neighbouring phases swapped.
import { describe, expect, it } from "vitest";
import { cook, shape } from "./helpers.ts";

const double = `formula = "double"
type = "expansion"
[[template]]
id = "{target}.do"
title = "Do {target.title}"
[[template]]
id = "{target}.check"
title = "Check {target.title}"
needs = ["{target}.do"]
`;

const twice = `formula = "twice"
type = "expansion"
[[template]]
id = "{target}.first"
title = "First {target.title}"
[[template]]
id = "{target}.second"
title = "Second {target.title}"
needs = ["{target}.first"]
`;

const audit = `formula = "audit"
type = "aspect"
[[advice]]
target = "*.second"
after = [
  { id = "{step.id}-audit", title = "Audit {step.title}" },
  { id = "{step.id}-lint", title = "Lint {step.title}", condition = "{{lint}}" },
]
`;

const base = `formula = "base"
[vars]
lint = "false"
[[steps]]
id = "round"
[steps.loop]
count = 2
var = "n"
[[steps.loop.body]]
id = "try"
title = "Try {n}"
[[steps]]
id = "build"
title = "Build"
needs = ["round"]
`;

const child = `formula = "child"
extends = ["base"]

[[steps]]
id = "build"
title = "Build"
needs = ["round"]
expand = "double"

[[steps]]
id = "ship"
title = "Ship"
needs = ["build"]

[[advice]]
target = "round.*.try"
after = { id = "{step.id}-log", title = "Log {step.title}" }

[[advice]]
target = "*.check"
before = { id = "{step.id}-never", title = "Never" }

[compose]
aspects = ["audit"]

[[compose.expand]]
target = "build.check"
with = "twice"
`;

const library = { base, double, twice, audit };

describe("the cook pipeline", () => {
  it("runs extends, loops, advice, inline expand, compose expand, aspects and conditions in order", async () => {
    const proto = await cook(child, { library, vars: {} });
    expect(shape(proto)).toEqual([
      // loops ran before advice: the advice glob matched each iteration's step
      "round.iter1.try",
      "round.iter1.try-log<-round.iter1.try",
      "round.iter2.try<-round.iter1.try-log",
      "round.iter2.try-log<-round.iter2.try",
      // extends put the child's build in the parent's place; inline expand replaced it, after
      // the advice for "*.check" had run (so it never matched build.check)
      "build.do<-round.iter2.try-log",
      // compose.expand ran after the inline expansion: it found build.check to replace
      "build.check.first<-build.do",
      "build.check.second<-build.check.first",
      // aspects ran after compose.expand: they advised the step it made; conditions ran after
      // the aspects: the aspect's conditional lint step is gone
      "build.check.second-audit<-build.check.second",
      "ship<-build.check.second-audit",
    ]);
    expect(proto.steps.map((step) => step.title)).toContain("Log Try 2");
  });

  it("keeps the aspect's conditional step when its condition holds", async () => {
    const proto = await cook(child, { library, vars: { lint: "true" } });
    expect(shape(proto).slice(-3)).toEqual([
      "build.check.second-audit<-build.check.second",
      "build.check.second-lint<-build.check.second-audit",
      "ship<-build.check.second-lint",
    ]);
  });
});
