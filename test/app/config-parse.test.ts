import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  DEFAULT_CONFIG,
  DEFAULT_POLECAT_NAMES,
  parseConfig,
  renderConfigProblem,
  toLabelTaxonomy,
} from "../../src/app/config/index.ts";
import { defaultTaxonomy } from "../../src/model/labels.ts";

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/config/${name}`, import.meta.url), "utf8");
const PATH = ".github/gastown.yml";

/** The problems of an invalid file as `line:column message` and hints. */
function problems(text: string): Array<{ at: string; message: string; hint: string }> {
  const parsed = parseConfig(text, { path: PATH });
  if (parsed.ok) throw new Error("expected the config to be invalid");
  expect(parsed.error).toBeInstanceOf(ConfigError);
  return (parsed.error as ConfigError).problems.map((p) => ({
    at: `${p.line}:${p.column}`,
    message: p.message,
    hint: p.hint,
  }));
}

describe("parsing .github/gastown.yml", () => {
  describe("when the file sets nothing", () => {
    it.each([
      ["an empty file", ""],
      ["only comments", "# nothing yet\n"],
      ["empty sections", "refinery:\nwitness:\n  # stale_after_minutes: 10\nlabels:\n  status:\n"],
    ])("gives the defaults for %s", (_what, text) => {
      const parsed = parseConfig(text, { path: PATH });
      expect(parsed.ok && parsed.value).toEqual(DEFAULT_CONFIG);
    });

    it("has a sensible default for every setting", () => {
      expect(DEFAULT_CONFIG).toMatchObject({
        max_polecats: 3,
        allowed_bots: [],
        polecat: { workflow: "polecat.yml", ref: null, formula: "mol-polecat-work" },
        refinery: {
          mode: "batch",
          batch_size: 5,
          retry_flaky: 1,
          max_retries: 5,
          require_review: true,
          required_checks: [],
          base_branch: null,
          staging_branch: "gastown/staging",
        },
        witness: { stale_after_minutes: 20, escalate_after_minutes: 45, max_restarts: 3 },
      });
      expect(DEFAULT_CONFIG.polecat.names).toEqual(DEFAULT_POLECAT_NAMES);
      expect(DEFAULT_CONFIG.polecat.names.slice(0, 3)).toEqual(["furiosa", "nux", "slit"]);
      expect(toLabelTaxonomy(DEFAULT_CONFIG.labels)).toEqual(defaultTaxonomy);
    });

    it("keeps the defaults from being changed by accident", () => {
      expect(Object.isFrozen(DEFAULT_CONFIG.refinery)).toBe(true);
      expect(Object.isFrozen(DEFAULT_CONFIG.polecat.names)).toBe(true);
    });
  });

  describe("when the file sets every section", () => {
    it("takes its values and fills the rest with defaults", () => {
      const parsed = parseConfig(fixture("full.yml"), { path: PATH });
      if (!parsed.ok) throw parsed.error;
      const config = parsed.value;
      expect(config.max_polecats).toBe(2);
      expect(config.allowed_bots).toEqual(["renovate[bot]", "*"]);
      expect(config.polecat).toEqual({
        workflow: "agents.yaml",
        ref: "release/1.x",
        formula: "shiny",
        names: ["ada", "grace", "linus"],
      });
      // The refinery's own settings beyond these keep their defaults (checked in the schema tests).
      expect(config.refinery).toMatchObject({
        mode: "direct",
        batch_size: 10,
        retry_flaky: 0,
        max_retries: 2,
        require_review: false,
        required_checks: ["test", "lint"],
        base_branch: "develop",
        staging_branch: "bors/staging",
      });
      expect(config.witness).toEqual({
        stale_after_minutes: 15,
        escalate_after_minutes: 90,
        max_restarts: 1,
      });
      expect(config).not.toHaveProperty("_extends");
    });

    it("renames labels in the taxonomy the gateways use", () => {
      const parsed = parseConfig(fixture("full.yml"), { path: PATH });
      if (!parsed.ok) throw parsed.error;
      const taxonomy = toLabelTaxonomy(parsed.value.labels);
      expect(taxonomy.status.hooked).toBe("wip: hooked");
      expect(taxonomy.status.in_progress).toBe("status/in-progress");
      expect(taxonomy.priority[0]).toBe("P0");
      expect(taxonomy.priority[1]).toBe("priority/p1");
      expect(taxonomy.type.bug).toBe("bug");
      expect(taxonomy.sling).toBe("🚀 sling");
    });
  });

  describe("when a key is unknown", () => {
    it("points at the key and suggests the setting meant", () => {
      expect(problems(fixture("config-unknown-key.yml"))).toEqual([
        {
          at: "4:3",
          message: "refinery.bacth_size is not a setting",
          hint: expect.stringMatching(
            /^Did you mean batch_size\? Settings in refinery: mode, batch_size, retry_flaky, max_retries, require_review, required_checks, base_branch, staging_branch(, [a-z_]+)*\.$/,
          ),
        },
        {
          at: "5:1",
          message: "polecats is not a setting",
          hint: "Did you mean polecat? Settings at the top level: labels, max_polecats, polecat, allowed_bots, overseers, refinery, witness, _extends.",
        },
      ]);
    });
  });

  describe("when values are wrong", () => {
    it("reports each at its line and column, with what to write instead", () => {
      expect(problems(fixture("config-bad-values.yml"))).toEqual([
        {
          at: "1:15",
          message: "max_polecats must be at least 1 (got 0)",
          hint: "Write `max_polecats: 3` (the default), or another valid value.",
        },
        {
          at: "3:13",
          message: 'polecat.workflow must be a workflow file name ending in .yml or .yaml (got "polecat")',
          hint: "Name the workflow file only, as it is in .github/workflows/: `workflow: polecat.yml`.",
        },
        {
          at: "4:22",
          message: 'polecat.names[2] repeats "Nux" (already at position 1)',
          hint: "Give every polecat its own name; names compare without case.",
        },
        {
          at: "6:9",
          message: 'refinery.mode must be one of batch, direct, native (got "bors")',
          hint: "Write `mode: batch` or another of: batch, direct, native.",
        },
        {
          at: "7:19",
          message: 'refinery.require_review must be true or false, not "yes"',
          hint: "Write `require_review: true` or `require_review: false`; YAML reads yes as text.",
        },
        {
          at: "8:15",
          message: 'refinery.batch_size must be a whole number, not "8"',
          hint: "Remove the quotes: `batch_size: 8`.",
        },
        {
          at: "9:15",
          message: 'allowed_bots must be a list, not "renovate"',
          hint: "Write a list, even of one: `allowed_bots: [renovate]`.",
        },
      ]);
    });

    it("suggests the enum value meant", () => {
      expect(problems("refinery:\n  mode: bach\n")[0]?.hint).toBe("Did you mean batch? Write `mode: batch`.");
    });

    it.each([
      ["max_polecats: 2.5", "max_polecats must be a whole number, not 2.5"],
      ["max_polecats: 101", "max_polecats must be at most 100 (got 101)"],
      ["max_polecats:", "max_polecats is empty"],
      ["polecat:\n  names: []", "polecat.names must have at least 1 entry"],
      [
        "polecat:\n  names: [ok, not ok]",
        'polecat.names[1] must be a name of letters, digits, _ and - (at most 40) (got "not ok")',
      ],
      [
        "polecat:\n  ref: 'a b'",
        'polecat.ref must be a branch name (no spaces, ~ ^ : ? * [ or ..) (got "a b")',
      ],
      [
        "refinery:\n  base_branch: a..b",
        'refinery.base_branch must be a branch name (no spaces, ~ ^ : ? * [ or ..) (got "a..b")',
      ],
      ["refinery: batch", 'refinery must be a mapping, not "batch"'],
      ["labels:\n  sling: ''", "labels.sling must not be empty"],
      [`labels:\n  sling: ${"x".repeat(51)}`, "labels.sling must be at most 50 characters (got 51)"],
      [
        "allowed_bots: ['bad bot']",
        'allowed_bots[0] must be a bot login such as renovate[bot], or "*" (got "bad bot")',
      ],
    ])("%s → %s", (text, message) => {
      expect(problems(text)[0]?.message).toBe(message);
    });

    it("points an empty value at its key", () => {
      expect(problems("witness:\n  max_restarts:\n")[0]?.at).toBe("2:3");
    });
  });

  describe("when the rules across keys are broken", () => {
    it("refuses one label name for two roles, pointing at the second", () => {
      expect(problems("labels:\n  type:\n    bug: Status/Hooked\n")).toEqual([
        {
          at: "3:10",
          message: 'labels.type.bug is "Status/Hooked", the label labels.status.hooked already uses',
          hint: "Give every status, priority and type label its own name, 1 to 50 characters (GitHub's limit).",
        },
      ]);
    });

    it("refuses escalating before nudging", () => {
      expect(problems("witness:\n  stale_after_minutes: 30\n  escalate_after_minutes: 30\n")).toEqual([
        {
          at: "3:27",
          message:
            "witness.escalate_after_minutes must be more than stale_after_minutes (30): a run is nudged before it is escalated",
          hint: "Raise escalate_after_minutes or lower stale_after_minutes.",
        },
      ]);
    });
  });

  describe("when the YAML itself is broken", () => {
    it.each([
      [
        "config-tab-indent.yml",
        fixture("config-tab-indent.yml"),
        "2:1",
        "YAML syntax: Tabs are not allowed as indentation",
      ],
      [
        "a duplicate key",
        "max_polecats: 1\nmax_polecats: 2\n",
        "2:1",
        "YAML syntax: Map keys must be unique",
      ],
      ["an unclosed quote", 'polecat:\n  formula: "shiny\n', "3:1", 'YAML syntax: Missing closing "quote'],
    ])("reports %s where it is", (_what, text, at, message) => {
      expect(problems(text)[0]).toMatchObject({ at, message });
    });

    it("refuses a file that is not a mapping", () => {
      expect(problems("- a\n- b\n")).toEqual([
        {
          at: "1:1",
          message: "the file must be a mapping of settings, not a list",
          hint: "Write settings as `key: value` lines, such as `max_polecats: 3`; see docs/config.md.",
        },
      ]);
    });
  });

  describe("the error itself", () => {
    it("names file:line:column in its message and carries the first hint", () => {
      const parsed = parseConfig("refinery:\n  mode: bors\n", { path: PATH });
      if (parsed.ok) throw new Error("expected an error");
      expect(parsed.error.message).toBe(
        'Invalid config in .github/gastown.yml:2:9: refinery.mode must be one of batch, direct, native (got "bors")',
      );
      expect(parsed.error.hint).toBe("Write `mode: batch` or another of: batch, direct, native.");
      expect(parsed.error.code).toBe("validation");
    });
  });
});

describe("the report maintainers see", () => {
  it("shows each problem with its location, the line, a caret and the fix", () => {
    const parsed = parseConfig("max_polecats: 3\nrefinery:\n  mode: bors\n  bacth_size: 4\n", { path: PATH });
    if (parsed.ok) throw new Error("expected an error");
    const report = renderConfigProblem({ error: parsed.error as ConfigError, fallback: "last-good" });
    expect(report.title).toBe("Invalid Gas Town config: 2 problems in .github/gastown.yml");
    expect(report.body).toMatchInlineSnapshot(`
      "\`.github/gastown.yml\` has 2 problems. Until it is fixed, the town keeps running on the last valid configuration it read.

      **\`.github/gastown.yml:3:9\`**: refinery.mode must be one of batch, direct, native (got "bors")

      \`\`\`yaml
        mode: bors
              ^
      \`\`\`

      Write \`mode: batch\` or another of: batch, direct, native.

      **\`.github/gastown.yml:4:3\`**: refinery.bacth_size is not a setting

      \`\`\`yaml
        bacth_size: 4
        ^
      \`\`\`

      Did you mean batch_size? Settings in refinery: mode, batch_size, retry_flaky, max_retries, require_review, required_checks, base_branch, staging_branch, queue_label, timeout_minutes, merge_method, delete_merged_branches.

      The app reads the file from the default branch again on the next event. Every setting and its default is described in \`docs/config.md\`; editors can check the file with \`docs/gastown.schema.json\`."
    `);
  });

  it("says when the defaults stand in, and never echoes a token from the file", () => {
    const token = `ghp_${"a".repeat(36)}`;
    const parsed = parseConfig(`token: ${token}\n`, { path: PATH });
    if (parsed.ok) throw new Error("expected an error");
    const report = renderConfigProblem({ error: parsed.error as ConfigError, fallback: "defaults" });
    expect(report.title).toBe("Invalid Gas Town config: 1 problem in .github/gastown.yml");
    expect(report.body).toContain("has a problem. Until it is fixed, the town runs on the default settings.");
    expect(report.body).toContain("token: [REDACTED]");
    expect(report.body).not.toContain(token);
  });
});
