// Planning a pour without GitHub: what each step's issue keeps of the cooked step (its type,
// metadata, waits_for and on_complete for the runtime), the labels it gets, and the warnings a
// pour prints before writing.
import { describe, expect, it } from "vitest";
import { planPour, planWisp, type PourItem } from "../../src/town/molecule/index.ts";
import { cookToml } from "./molecule-helpers.ts";

const FAN_OUT = `
formula = "fan"
phase = "vapor"

[vars]
area = "billing"

[[steps]]
id = "survey"
title = "Survey {{area}}"
metadata = { area = "{{area}}", depth = 2 }
[steps.on_complete]
for_each = "output.targets"
bond = "shiny"
vars = { feature = "{item.name} in {{area}}" }
sequential = true

[[steps]]
id = "collect"
title = "Collect"
type = "chore"
waits_for = "children-of(survey)"

[[steps]]
id = "a-much-rather-longer-step-identifier"
title = "Long"

[[steps]]
id = "gather"
title = "Gather"
waits_for = "children-of(a-much-rather-longer-step-identifier)"
`;

const item = (items: readonly PourItem[], step: string) =>
  items.find((candidate) => candidate.key === `step:${step}`) as PourItem;

describe("planPour", () => {
  const plan = planPour(cookToml(FAN_OUT));

  it("keeps the formula step's metadata and on_complete on the step's issue, vars substituted", () => {
    expect(item(plan.items, "survey").fields).toEqual({
      needs: [],
      stepMetadata: { area: "billing", depth: 2 },
      onComplete: {
        forEach: "output.targets",
        bond: "shiny",
        vars: { feature: "{item.name} in billing" },
        mode: "sequential",
      },
    });
  });

  it("records a step's type and waits_for, and labels it gate:<waits_for> as Beads does", () => {
    const collect = item(plan.items, "collect");
    expect(collect.fields).toEqual({ needs: ["survey"], stepType: "chore", waitsFor: "children-of(survey)" });
    expect(collect.labels).toEqual(["gate:children-of(survey)"]);
  });

  it("shortens a gate label that would not fit GitHub's 50 characters", () => {
    const gather = item(plan.items, "gather");
    expect(gather.labels).toEqual(["gate:children-of"]);
    expect(gather.fields.waitsFor).toBe("children-of(a-much-rather-longer-step-identifier)");
  });

  it("warns that a vapor formula is meant to be a wisp", () => {
    expect(plan.warnings).toEqual([
      'Formula fan is vapor (phase = "vapor"): it is meant to run as a wisp (bd mol wisp fan).',
    ]);
  });

  it("gives a plain task step no extra fields", () => {
    expect(item(plan.items, "a-much-rather-longer-step-identifier").fields).toEqual({ needs: [] });
  });
});

describe("planWisp", () => {
  it("lists the steps as an unticked checklist and keeps the DAG in the root's metadata", () => {
    const plan = planWisp(cookToml(FAN_OUT));
    expect(plan.root.body).toContain(
      [
        "- [ ] survey: Survey billing",
        "- [ ] collect: Collect",
        "- [ ] a-much-rather-longer-step-identifier: Long",
        "- [ ] gather: Gather",
      ].join("\n"),
    );
    expect(plan.root.metadata.others?.dag).toEqual({
      survey: [],
      collect: ["survey"],
      "a-much-rather-longer-step-identifier": [],
      gather: ["a-much-rather-longer-step-identifier"],
    });
  });
});

describe("planPour with every kind of gate", () => {
  const GATES = `
formula = "gates"
[[steps]]
id = "wait"
title = "Wait"
gate = { type = "timer", timeout = "2h" }
[[steps]]
id = "ci"
title = "CI"
needs = ["wait"]
gate = { type = "gh:run", id = "release.yml", timeout = "30m" }
[[steps]]
id = "merge"
title = "Merge"
gate = { type = "gh:pr", id = "12" }
[[steps]]
id = "approve"
title = "Approve"
gate = { type = "human" }
[[steps]]
id = "reply"
title = "Reply"
gate = { type = "mail", id = "mayor" }
[[steps]]
id = "after"
title = "After"
gate = { type = "bead", id = "#7" }
`;
  const plan = planPour(cookToml(GATES));

  it("puts a gate issue ahead of each gated step, saying what opens it", () => {
    const gates = plan.items.filter((entry) => entry.kind === "gate");
    expect(gates.map((gate) => [gate.title, gate.body.split("\n\n")[0]])).toEqual([
      ["Gate (timer): Wait", "Holds step `wait` (Wait) until the timer runs out (2h)."],
      ["Gate (gh:run release.yml): CI", "Holds step `ci` (CI) until workflow run `release.yml` completes."],
      ["Gate (gh:pr 12): Merge", "Holds step `merge` (Merge) until pull request `12` is merged."],
      [
        "Gate (human): Approve",
        "Holds step `approve` (Approve) until a maintainer approves it by closing this issue.",
      ],
      ["Gate (mail mayor): Reply", "Holds step `reply` (Reply) until mail `mayor` arrives."],
      ["Gate (bead #7): After", "Holds step `after` (After) until bead `#7` is closed."],
    ]);
    expect(gates[1]?.body).toContain("**Timeout:** 30m");
    expect(gates[1]?.fields.gate).toEqual({ type: "gh:run", id: "release.yml", timeout: "30m" });
  });

  it("blocks each gated step on its needs and its gate", () => {
    expect(item(plan.items, "ci").blockedBy).toEqual(["step:wait", "gate:ci"]);
    expect(plan.items.map((entry) => entry.key).slice(0, 4)).toEqual([
      "gate:wait",
      "step:wait",
      "gate:ci",
      "step:ci",
    ]);
    expect(plan.dependencies).toBe(7);
  });
});
