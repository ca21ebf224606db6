// Every built-in formula must cook cleanly, and its cooked form with sample vars must match the
// committed golden JSON under test/fixtures/formulas/golden/. After an intended change, run
// `UPDATE_GOLDEN=1 npx vitest run test/formula/builtins.test.ts` and review the diff.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  cookFormula,
  formulaNameOfFile,
  listFormulas,
  loadFormula,
  renderMermaid,
} from "../../src/formula/index.ts";
import { BUILTIN_DIR, builtinSources } from "./helpers.ts";

const GOLDEN_DIR = "test/fixtures/formulas/golden";

/** Sample vars per built-in; every built-in must have an entry. */
const SAMPLES: Record<string, Record<string, string>> = {
  shiny: { feature: "dark mode" },
  "shiny-enterprise": { feature: "audit log export" },
  "shiny-secure": { feature: "password reset" },
  "rule-of-five": {},
  "security-audit": {},
  "mol-polecat-work": { issue: "42", polecat: "nux" },
  "code-review": { pr: "123" },
  release: { version: "1.2.3" },
  "towers-of-hanoi": { disks: "3" },
};

const names = readdirSync(BUILTIN_DIR)
  .map((file) => formulaNameOfFile(file))
  .filter((name): name is string => name !== undefined)
  .sort();

describe("built-in formulas", () => {
  it("are all listed, each with sample vars", async () => {
    expect((await listFormulas(builtinSources)).map((entry) => entry.name)).toEqual(names);
    expect(Object.keys(SAMPLES).sort()).toEqual(names);
  });

  it("include the ones the product promises", () => {
    for (const name of [
      "shiny",
      "shiny-enterprise",
      "rule-of-five",
      "security-audit",
      "mol-polecat-work",
      "code-review",
      "release",
      "towers-of-hanoi",
    ]) {
      expect(names).toContain(name);
    }
  });

  describe.each(names)("%s", (name) => {
    it("cooks cleanly in compile mode into a DAG whose needs all exist", async () => {
      const proto = await cookFormula({ formula: await loadFormula(name, { sources: builtinSources }) });
      expect(proto.mode).toBe("compile");
      expect(proto.steps.length).toBeGreaterThan(0);
      const seen = new Set<string>();
      for (const step of proto.steps) {
        for (const need of step.needs)
          expect(seen.has(need), `${step.id} needs ${need} before it`).toBe(true);
        seen.add(step.id);
      }
      expect(renderMermaid(proto)).toMatch(/^graph TD\n/);
    });

    it("cooks with sample vars to its golden protomolecule", async () => {
      const proto = await cookFormula({
        formula: await loadFormula(name, { sources: builtinSources }),
        vars: SAMPLES[name] ?? {},
      });
      const text = `${JSON.stringify(proto, null, 2)}\n`;
      const path = `${GOLDEN_DIR}/${name}.json`;
      if (process.env.UPDATE_GOLDEN === "1") writeFileSync(path, text);
      expect(existsSync(path), `${path} is missing; run with UPDATE_GOLDEN=1 to create it`).toBe(true);
      expect(text).toBe(readFileSync(path, "utf8"));
      expect(text).not.toMatch(/\{\{[A-Za-z_]/);
    });
  });

  describe("shiny-enterprise", () => {
    it("replaces shiny's implement step with the rule of five", async () => {
      const proto = await cookFormula({
        formula: await loadFormula("shiny-enterprise", { sources: builtinSources }),
        vars: { feature: "x" },
      });
      expect(proto.steps.map((step) => step.id)).toEqual([
        "design",
        "implement.draft",
        "implement.refine-1",
        "implement.refine-2",
        "implement.refine-3",
        "implement.refine-4",
        "review",
        "test",
        "submit",
      ]);
    });
  });

  describe("release", () => {
    it("leaves out the gated publish step when publish is false", async () => {
      const formula = await loadFormula("release", { sources: builtinSources });
      const proto = await cookFormula({ formula, vars: { version: "2.0.0", publish: "false" } });
      expect(proto.steps.map((step) => step.id)).not.toContain("publish");
      const full = await cookFormula({ formula, vars: { version: "2.0.0" } });
      expect(full.steps.find((step) => step.id === "publish")?.gate).toEqual({
        type: "gh:run",
        id: "release.yml",
        timeout: "30m",
        description: "The release workflow run started by the v2.0.0 tag",
      });
    });
  });

  describe("towers-of-hanoi", () => {
    it("cooks ten disks to 1,023 chained moves", async () => {
      const proto = await cookFormula({
        formula: await loadFormula("towers-of-hanoi", { sources: builtinSources }),
        vars: { disks: "10" },
      });
      expect(proto.steps).toHaveLength(1_025);
      expect(proto.steps.at(-1)).toMatchObject({ id: "verify", needs: ["move.iter1023.move"] });
    });
  });
});
