import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  builtinFormulasDir,
  checkoutFormulaSources,
  createMemorySource,
  createReaderSource,
  listFormulas,
  loadFormula,
} from "../../src/formula/index.ts";
import { builtinSources, rejection } from "./helpers.ts";

const repoShiny = `formula = "shiny"\n[[steps]]\nid = "just-ship"\ntitle = "Just ship"\n`;

describe("formula resolution", () => {
  describe("when a repository has a formula of a built-in's name", () => {
    const sources = [
      createMemorySource({ label: ".github/gastown/formulas", files: { "x/shiny.formula.toml": repoShiny } }),
      ...builtinSources,
    ];

    it("uses the repository's formula", async () => {
      const resolved = await loadFormula("shiny", { sources });
      expect(resolved).toMatchObject({ source: ".github/gastown/formulas", path: "x/shiny.formula.toml" });
      expect(resolved.formula.steps.map((step) => step.id)).toEqual(["just-ship"]);
    });

    it("lists it once, as shadowing the built-in", async () => {
      const listing = (await listFormulas(sources)).find((entry) => entry.name === "shiny");
      expect(listing).toEqual({
        name: "shiny",
        path: "x/shiny.formula.toml",
        source: ".github/gastown/formulas",
        shadows: ["built-in"],
      });
    });
  });

  describe("when a formula is only a built-in", () => {
    it("loads it with everything it names", async () => {
      const resolved = await loadFormula("shiny-enterprise", { sources: builtinSources });
      expect([...resolved.library.keys()].sort()).toEqual(["rule-of-five", "shiny", "shiny-enterprise"]);
    });
  });

  describe("when the sources are read through a reader (as GitHub contents would be)", () => {
    it("tries TOML before JSON and reports the paths it found", async () => {
      const files: Record<string, string> = {
        "repo/.beads/formulas/j.formula.json": '{"formula": "j", "steps": [{"id": "a", "title": "A"}]}',
        "repo/.beads/formulas/README.md": "not a formula",
      };
      const reads: string[] = [];
      const source = createReaderSource({
        label: ".beads/formulas",
        dir: "repo/.beads/formulas/",
        readText: async (path) => {
          reads.push(path);
          return files[path];
        },
        listFiles: async () => ["README.md", "j.formula.json"],
      });
      const resolved = await loadFormula("j", { sources: [source] });
      expect(reads).toEqual(["repo/.beads/formulas/j.formula.toml", "repo/.beads/formulas/j.formula.json"]);
      expect(resolved.path).toBe("repo/.beads/formulas/j.formula.json");
      expect(await source.list()).toEqual([{ name: "j", path: "repo/.beads/formulas/j.formula.json" }]);
    });
  });

  describe("when a file's name and its formula name disagree", () => {
    it("says which to change", async () => {
      const source = createMemorySource({
        label: "m",
        files: { "f/a.formula.toml": `formula = "b"\n[[steps]]\nid = "x"\ntitle = "X"\n` },
      });
      const error = await rejection(loadFormula("a", { sources: [source] }));
      expect(error.message).toBe(
        'f/a.formula.toml:1:1: f/a.formula.toml declares formula "b", but its file name says "a"',
      );
      expect(error.hint).toBe('Write formula = "a", or rename the file to b.formula.toml.');
    });
  });

  describe("when no source has the formula", () => {
    it("says where it looked and suggests a close name", async () => {
      const error = await rejection(loadFormula("shinny", { sources: builtinSources }));
      expect(error.message).toBe('shinny.formula.toml: unknown formula "shinny" (looked in built-in)');
      expect(error.hint).toMatch(/^Did you mean "shiny"\?/);
    });
  });

  describe("when a checkout has its own formula directories", () => {
    const root = mkdtempSync(join(tmpdir(), "gastown-formulas-"));
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it("searches .github/gastown/formulas, then .beads/formulas, then the built-ins", async () => {
      mkdirSync(join(root, ".github/gastown/formulas"), { recursive: true });
      mkdirSync(join(root, ".beads/formulas"), { recursive: true });
      writeFileSync(
        join(root, ".github/gastown/formulas/release.formula.toml"),
        `formula = "release"\n[[steps]]\nid = "a"\ntitle = "A"\n`,
      );
      writeFileSync(
        join(root, ".beads/formulas/release.formula.toml"),
        `formula = "release"\n[[steps]]\nid = "b"\ntitle = "B"\n`,
      );
      writeFileSync(
        join(root, ".beads/formulas/local.formula.toml"),
        `formula = "local"\nextends = ["shiny"]\n`,
      );
      const sources = checkoutFormulaSources(root);
      expect((await loadFormula("release", { sources })).source).toBe(".github/gastown/formulas");
      expect((await loadFormula("local", { sources })).library.has("shiny")).toBe(true);
      const listing = await listFormulas(sources);
      expect(listing.find((entry) => entry.name === "release")?.shadows).toEqual([
        ".beads/formulas",
        "built-in",
      ]);
      expect(listing.find((entry) => entry.name === "shiny")?.source).toBe("built-in");
    });

    it("finds the built-in formulas directory from the package", () => {
      expect(builtinFormulasDir()).toMatch(/\/formulas$/);
    });
  });
});
