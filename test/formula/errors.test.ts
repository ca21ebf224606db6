// One test per class of formula error, each against a broken fixture under
// test/fixtures/formulas/bad/, asserting the exact located message and its hint.
import { describe, expect, it } from "vitest";
import { cookFormula, FormulaError, loadFormula, parseFormula } from "../../src/formula/index.ts";
import { badSources, fixture, formulaErrorOf, rejection } from "./helpers.ts";

const at = (file: string, line: number, column: number): string =>
  `test/fixtures/formulas/bad/${file}:${line}:${column}`;

async function cookError(name: string, vars?: Record<string, string>): Promise<FormulaError> {
  return rejection(
    (async () => {
      const formula = await loadFormula(name, { sources: badSources });
      return vars === undefined ? cookFormula({ formula }) : cookFormula({ formula, vars });
    })(),
  );
}

describe("formula errors", () => {
  describe("when the TOML does not parse", () => {
    it("names the line and column of the syntax error", () => {
      const error = formulaErrorOf(() => parseFormula(fixture("syntax.formula.toml")));
      expect(error.code).toBe("syntax");
      expect(error.message).toBe(
        `${at("syntax.formula.toml", 5, 19)}: TOML syntax error: control characters are not allowed in strings`,
      );
      expect(error.hint).toBe(
        'Fix the TOML here: strings in quotes ("..."), lists as [a, b], tables as [name] or [[name]], one key = value per line.',
      );
    });
  });

  describe("when the JSON does not parse", () => {
    it("names the line and column of the syntax error", () => {
      const error = formulaErrorOf(() => parseFormula(fixture("syntax.formula.json")));
      expect(error.message).toBe(
        `${at("syntax.formula.json", 5, 5)}: JSON syntax error: expected "," or "]" after a value, found "{"`,
      );
    });
  });

  describe("when a key is unknown", () => {
    it("suggests the key that was meant", () => {
      const error = formulaErrorOf(() => parseFormula(fixture("unknown-key.formula.toml")));
      expect(error.code).toBe("unknown-key");
      expect(error.message).toBe(
        `${at("unknown-key.formula.toml", 5, 1)}: unknown key "titel" in step "design"`,
      );
      expect(error.hint).toMatch(/^Did you mean "title"\? Keys allowed here: id, title, description,/);
    });
  });

  describe("when values have the wrong type", () => {
    it("reports each with what to write", () => {
      const error = formulaErrorOf(() => parseFormula(fixture("wrong-type.formula.toml")));
      expect(error.describe()).toBe(
        `${at("wrong-type.formula.toml", 6, 1)}: priority of step "design" must be a number (got "high")\n` +
          "  hint: Write priority = 1.\n" +
          `${at("wrong-type.formula.toml", 7, 1)}: labels of step "design" must be a list (got "docs")\n` +
          '  hint: Write labels = ["..."].',
      );
    });
  });

  describe("when a required var has no value", () => {
    it("points at the var's declaration", async () => {
      const error = await cookError("required-var", {});
      expect(error.code).toBe("missing-var");
      expect(error.message).toBe(
        `${at("required-var.formula.toml", 3, 1)}: var "feature" is required but no value was given`,
      );
      expect(error.hint).toBe("Pass --var feature=<value> (feature: The feature to build).");
    });
  });

  describe("when a var value is not one of its enum", () => {
    it("lists the allowed values", async () => {
      const error = await cookError("enum-var", { mode: "thorogh" });
      expect(error.code).toBe("enum");
      expect(error.message).toBe(
        `${at("enum-var.formula.toml", 3, 1)}: var "mode" must be one of fast, thorough (got "thorogh")`,
      );
      expect(error.hint).toBe(
        'Did you mean "thorough"? Pass --var mode=thorough, or another of: fast, thorough.',
      );
    });
  });

  describe("when a var value does not match its pattern", () => {
    it("shows the pattern", async () => {
      const error = await cookError("pattern-var", { version: "1.2" });
      expect(error.code).toBe("pattern");
      expect(error.message).toBe(
        `${at("pattern-var.formula.toml", 3, 1)}: var "version" must match /^\\d+\\.\\d+\\.\\d+$/ (got "1.2")`,
      );
      expect(error.hint).toBe("Pass --var version=<value> with a value that matches /^\\d+\\.\\d+\\.\\d+$/.");
    });
  });

  describe("when a var value has the wrong type", () => {
    it("says what to pass", async () => {
      const error = await rejection(
        cookFormula({
          formula: parseFormula({
            source: `formula = "typed"\n[vars.disks]\ntype = "int"\n[[steps]]\nid = "a"\ntitle = "A"\n`,
            path: "typed.formula.toml",
          }),
          vars: { disks: "ten" },
        }),
      );
      expect(error.code).toBe("type");
      expect(error.message).toBe('typed.formula.toml:2:1: var "disks" must be a whole number (got "ten")');
      expect(error.hint).toBe("Pass --var disks=3 (a whole number).");
    });
  });

  describe("when a default breaks its own var's rules", () => {
    it("reports the bad default and a required var with a default", () => {
      const error = formulaErrorOf(() => parseFormula(fixture("bad-default.formula.toml")));
      expect(error.message).toBe(
        `${at("bad-default.formula.toml", 5, 1)}: var "mode" must be one of fast, thorough (got "quick")\n` +
          `${at("bad-default.formula.toml", 8, 1)}: var "feature" is required and also has a default`,
      );
      expect(error.hint).toBe('Write default = "fast", or another of: fast, thorough.');
    });
  });

  describe("when a var is given that the formula does not declare", () => {
    it("suggests the declared one", async () => {
      const error = await cookError("required-var", { featur: "search", feature: "search" });
      expect(error.code).toBe("unknown-var");
      expect(error.message).toBe(
        `${at("required-var.formula.toml", 1, 1)}: --var featur is not a var of this formula`,
      );
      expect(error.hint).toBe('Did you mean "feature"? Vars: feature.');
    });
  });

  describe("when a step uses a var the formula does not declare", () => {
    const source = `formula = "typo"\n[vars]\nfeature = "x"\n[[steps]]\nid = "build"\ntitle = "Build {{featur}}"\ndescription = "Deploy with \${{ github.sha }}"\n`;

    it("keeps it in compile mode, for a later pour", async () => {
      const proto = await cookFormula({ formula: parseFormula({ source, path: "typo.formula.toml" }) });
      expect(proto.steps[0]?.title).toBe("Build {{featur}}");
    });

    it("refuses it in runtime mode, suggesting the declared one", async () => {
      const error = await rejection(
        cookFormula({ formula: parseFormula({ source, path: "typo.formula.toml" }), vars: {} }),
      );
      expect(error.code).toBe("unknown-var");
      expect(error.message).toBe(
        'typo.formula.toml:5:1: step "build" uses {{featur}}, which is not a var of this formula',
      );
      expect(error.hint).toBe('Did you mean "feature"? Declare it under [vars], or use one of: feature.');
    });
  });

  describe("when a step needs an unknown id", () => {
    it("points at the need and suggests the step", async () => {
      const error = await cookError("unknown-need");
      expect(error.code).toBe("unknown-need");
      expect(error.message).toBe(
        `${at("unknown-need.formula.toml", 10, 10)}: step "test" needs "implemnt", which is not a step of this formula`,
      );
      expect(error.hint).toBe('Did you mean "implement"? Steps: implement, test.');
    });
  });

  describe("when needs form a cycle", () => {
    it("prints the cycle", async () => {
      const error = await cookError("cycle");
      expect(error.code).toBe("cycle");
      expect(error.message).toBe(
        `${at("cycle.formula.toml", 6, 10)}: needs form a cycle: design → submit → implement → design`,
      );
      expect(error.hint).toBe(
        'Each arrow reads "needs"; remove one of these needs (e.g. "submit" from step "design") so the steps can run in order.',
      );
    });
  });

  describe("when two steps share an id", () => {
    it("names both places", () => {
      const error = formulaErrorOf(() => parseFormula(fixture("duplicate-id.formula.toml")));
      expect(error.code).toBe("duplicate-id");
      expect(error.message).toBe(
        `${at("duplicate-id.formula.toml", 8, 1)}: duplicate step id "test" (first at ${at("duplicate-id.formula.toml", 4, 1)})`,
      );
      expect(error.hint).toBe('Give each step its own id, e.g. "test-2".');
    });
  });

  describe("when expansions nest more than five deep", () => {
    it("prints the chain at the expand that goes too far", async () => {
      const error = await cookError("too-deep");
      expect(error.code).toBe("expansion-depth");
      expect(error.message).toBe(
        `${at("nest-5.formula.toml", 7, 1)}: expansion too deep: nest-1 → nest-2 → nest-3 → nest-4 → nest-5 → nest-6 (the limit is 5)`,
      );
      expect(error.hint).toBe("Nest expansions at most 5 deep, and never let a template expand itself.");
    });
  });

  describe("when extends loops back", () => {
    it("prints the cycle", async () => {
      const error = await cookError("extends-cycle-a");
      expect(error.code).toBe("extends-cycle");
      expect(error.message).toBe(
        `${at("extends-cycle-b.formula.toml", 2, 12)}: extends cycle: extends-cycle-a → extends-cycle-b → extends-cycle-a`,
      );
      expect(error.hint).toBe('Remove "extends-cycle-a" from extends; a formula cannot inherit from itself.');
    });
  });

  describe("when a formula names one that does not exist", () => {
    it("points at the name and suggests the closest", async () => {
      const error = await rejection(loadFormula("unknown-parent", { sources: badSources }));
      expect(error.code).toBe("unknown-formula");
      expect(error.message).toBe(
        `${at("unknown-parent.formula.toml", 2, 12)}: unknown formula "shinny" (looked in fixtures, built-in)`,
      );
      expect(error.hint).toMatch(
        /^Did you mean "shiny"\? Add shinny.formula.toml to .github\/gastown\/formulas\//,
      );
    });
  });

  describe("when a loop range needs a var that has no value", () => {
    it("names the var to pass", async () => {
      const error = await cookError("loop-range");
      expect(error.code).toBe("loop");
      expect(error.message).toBe(
        `${at("loop-range.formula.toml", 9, 1)}: range end of loop "rounds" needs a value for n`,
      );
      expect(error.hint).toBe("Pass --var n=<number>, or give the var a numeric default.");
    });
  });

  describe("when a condition is not one of the four forms", () => {
    it("lists the forms", () => {
      const error = formulaErrorOf(() => parseFormula(fixture("bad-condition.formula.toml")));
      expect(error.code).toBe("condition");
      expect(error.message).toBe(
        `${at("bad-condition.formula.toml", 9, 1)}: condition of step "docs" is not understood (got "docs is true")`,
      );
      expect(error.hint).toBe(
        'Write one of "{{var}}", "!{{var}}", "{{var}} == value" or "{{var}} != value".',
      );
    });
  });

  describe("when describe() is printed", () => {
    it("puts each hint under its problem", () => {
      const error = formulaErrorOf(() => parseFormula(fixture("unknown-key.formula.toml")));
      expect(error.describe().split("\n")[1]).toMatch(/^ {2}hint: Did you mean "title"\?/);
      expect(error).toBeInstanceOf(FormulaError);
      expect([error.file, error.line, error.column]).toEqual([
        `test/fixtures/formulas/bad/unknown-key.formula.toml`,
        5,
        1,
      ]);
    });
  });
});
