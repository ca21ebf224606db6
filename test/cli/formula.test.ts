// `gt formula list|show|cook` in-process: the checkout's formulas shadow the built-ins, the DAG is
// drawn as text or mermaid, cooking prints the protomolecule, and a bad formula exits 1 with the
// problem at file:line:col and a hint. `--remote` reads the repository on GitHub instead.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runGt } from "../../src/cli/run.ts";
import type { Protomolecule } from "../../src/formula/index.ts";
import { type CliTown, startCliTown } from "./helpers.ts";

const OWN_SHINY = `formula = "shiny"
description = "Our own shiny: just build it."
[[steps]]
id = "build"
title = "Build {{feature}}"
[vars.feature]
required = true
`;

const BAD = `formula = "bad"

[[steps]]
id = "a"
title = "A"
neds = ["b"]
`;

let checkout: string;
let outside: string;
beforeAll(async () => {
  checkout = await mkdtemp(join(tmpdir(), "gastown-formula-cli-"));
  await mkdir(join(checkout, ".git"));
  await mkdir(join(checkout, ".github/gastown/formulas"), { recursive: true });
  await writeFile(join(checkout, ".github/gastown/formulas/shiny.formula.toml"), OWN_SHINY);
  await writeFile(join(checkout, "bad.formula.toml"), BAD);
  await mkdir(join(checkout, "src"));
  outside = await mkdtemp(join(tmpdir(), "gastown-formula-cli-outside-"));
});
afterAll(async () => {
  await rm(checkout, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

const gt = (args: readonly string[], cwd: string) => runGt(args, { cwd, env: {} });

describe("gt formula list", () => {
  describe("outside a checkout", () => {
    it("lists the built-in formulas with their descriptions", async () => {
      const result = await gt(["formula", "list"], outside);
      expect(result.code).toBe(0);
      const names = result.stdout.split("\n").map((line) => line.split(/\s+/)[0]);
      expect(names).toEqual(expect.arrayContaining(["shiny", "release", "towers-of-hanoi", "code-review"]));
      expect(result.stdout).toMatch(/^shiny\s+built-in\s+Build \{\{feature\}\} the careful way/m);
    });
  });

  describe("in a checkout with its own shiny", () => {
    it("lists the repo's shiny first, shadowing the built-in, from any directory inside", async () => {
      const result = await gt(["formula", "list", "--json"], join(checkout, "src"));
      const listings = JSON.parse(result.stdout) as Array<{
        name: string;
        source: string;
        shadows: string[];
      }>;
      expect(listings.find((listing) => listing.name === "shiny")).toMatchObject({
        source: ".github/gastown/formulas",
        shadows: ["built-in"],
        description: "Our own shiny: just build it.",
      });
      expect(listings.find((listing) => listing.name === "release")?.source).toBe("built-in");
    });
  });
});

describe("gt formula show", () => {
  it("lists the vars with their rules and the steps with their needs, gates and conditions", async () => {
    const result = await gt(["formula", "show", "release"], outside);
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toMatch(/^release v1 \(workflow, compile mode\) {2}built-in: .*release\.formula\.toml$/);
    expect(result.stdout).toContain(
      "  version (required; matches /^\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?$/)  The version to release",
    );
    expect(result.stdout).toContain('  publish (default "true"; bool)  Whether to publish the package');
    expect(result.stdout).toContain(
      [
        "Steps (6):",
        "  bump-version  Bump the version to {{version}}",
        "  update-deps   Update dependencies  ← bump-version",
      ].join("\n"),
    );
    expect(result.stdout).toContain(
      "  publish       Publish {{version}}  ← tag  [gate: gh:run]  [if {{publish}}]",
    );
  });

  it("draws the step DAG in stages with --graph", async () => {
    const result = await gt(["formula", "show", "shiny", "--graph"], outside);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      [
        "  1 │ design     Design {{feature}}",
        "  2 │ implement  Implement {{feature}}  ← design",
        "  3 │ review     Review the {{feature}} change  ← implement",
      ].join("\n"),
    );
  });

  it("prints the mermaid graph with --graph mermaid", async () => {
    const result = await gt(["formula", "show", "shiny", "--graph", "mermaid"], outside);
    expect(result.stdout.split("\n").slice(0, 3)).toEqual([
      "graph TD",
      '  s_design["Design {{feature}}"]',
      '  s_implement["Implement {{feature}}"]',
    ]);
  });

  it("refuses an unknown graph format as a usage error", async () => {
    const result = await gt(["formula", "show", "shiny", "--graph", "svg"], outside);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: --graph svg is not a graph format.");
  });
});

describe("gt formula cook", () => {
  it("keeps {{vars}} without --var (compile mode)", async () => {
    const result = await gt(["formula", "cook", "shiny", "--json"], outside);
    const proto = JSON.parse(result.stdout) as Protomolecule;
    expect(proto.mode).toBe("compile");
    expect(proto.steps[0]?.title).toBe("Design {{feature}}");
  });

  it("substitutes the vars given with --var (runtime mode)", async () => {
    const result = await gt(["formula", "cook", "shiny", "--var", "feature=dark mode", "--json"], outside);
    const proto = JSON.parse(result.stdout) as Protomolecule;
    expect(proto.mode).toBe("runtime");
    expect(proto.steps.map((step) => step.title)).toEqual([
      "Design dark mode",
      "Implement dark mode",
      "Review the dark mode change",
      "Test dark mode",
      "Submit dark mode",
    ]);
  });

  it("cooks the checkout's formula of a name over the built-in", async () => {
    const result = await gt(["formula", "cook", "shiny", "--var", "feature=x", "--json"], checkout);
    expect((JSON.parse(result.stdout) as Protomolecule).steps.map((step) => step.id)).toEqual(["build"]);
  });

  describe("when the formula is bad", () => {
    it("exits 1 with the problem at file:line:col and a did-you-mean hint", async () => {
      const result = await gt(["formula", "cook", "bad.formula.toml"], checkout);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr.split("\n")[0]).toBe(
        'error: bad.formula.toml:6:1: unknown key "neds" in step "a"',
      );
      expect(result.stderr.split("\n")[1]).toMatch(
        /^hint: Did you mean "needs"\? Keys allowed here: id, title/,
      );
    });

    it("exits 1 naming a required var that has no value in runtime mode", async () => {
      const result = await gt(["formula", "cook", "shiny", "--mode", "runtime"], outside);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: .*shiny\.formula\.toml:\d+:\d+: var "feature" is required/);
      expect(result.stderr).toContain("hint: Pass --var feature=<value>");
    });

    it("exits 1 with a hint listing formulas when the name is unknown", async () => {
      const result = await gt(["formula", "cook", "shinny"], outside);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('unknown formula "shinny"');
      expect(result.stderr).toContain('hint: Did you mean "shiny"?');
    });
  });

  it("refuses a --var that is not name=value as a usage error", async () => {
    const result = await gt(["formula", "cook", "shiny", "--var", "feature"], outside);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: --var "feature" is not name=value.');
  });
});

describe("gt formula --remote", () => {
  let t: CliTown;
  beforeAll(async () => {
    t = await startCliTown();
    await t.sim.createRepo({
      owner: "acme",
      name: "with-formulas",
      files: {
        "README.md": "# formulas\n",
        ".beads/formulas/deploy.formula.toml":
          'formula = "deploy"\ndescription = "Ship it."\n[[steps]]\nid = "ship"\ntitle = "Ship"\n',
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("reads the repository's formula directories on GitHub before the built-ins", async () => {
    const listed = await t.gt(["formula", "list", "--remote", "--repo", "acme/with-formulas", "--json"], {
      cwd: outside,
    });
    expect(listed.code).toBe(0);
    const listings = JSON.parse(listed.stdout) as Array<{ name: string; source: string }>;
    expect(listings.find((listing) => listing.name === "deploy")?.source).toBe(".beads/formulas");
    const cooked = await t.gt([
      "formula",
      "cook",
      "deploy",
      "--remote",
      "--repo",
      "acme/with-formulas",
      "--json",
    ]);
    expect((JSON.parse(cooked.stdout) as Protomolecule).steps.map((step) => step.id)).toEqual(["ship"]);
  });
});
