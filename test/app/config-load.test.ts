import { describe, expect, it } from "vitest";
import {
  type ConfigError,
  type ConfigFileReader,
  DEFAULT_CONFIG,
  loadConfig,
  type LoadedConfig,
  resolveExtends,
} from "../../src/app/config/index.ts";
import type { Result } from "../../src/model/errors.ts";

const repo = { owner: "acme", repo: "rocket" };

/** An in-memory GitHub: `owner/repo:path` → text; remembers what was read. */
function files(contents: Record<string, string>): { read: ConfigFileReader; reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    read: async ({ owner, repo, path }) => {
      const key = `${owner}/${repo}:${path}`;
      reads.push(key);
      return contents[key] ?? null;
    },
  };
}

function loaded(result: Result<LoadedConfig>): LoadedConfig {
  if (!result.ok) throw result.error;
  return result.value;
}

function problem(result: Result<LoadedConfig>): { where: string; message: string; hint: string } {
  if (result.ok) throw new Error("expected a config error");
  const [first] = (result.error as ConfigError).problems;
  if (!first) throw new Error("no problem");
  return { where: `${first.file}:${first.line}:${first.column}`, message: first.message, hint: first.hint };
}

describe("loading a repository's config", () => {
  describe("where the file comes from", () => {
    it("reads .github/gastown.yml from the repository", async () => {
      const github = files({ "acme/rocket:.github/gastown.yml": "max_polecats: 1\n" });
      const result = loaded(await loadConfig({ repo, read: github.read }));
      expect(result).toMatchObject({ source: "repo", files: ["acme/rocket:.github/gastown.yml"] });
      expect(result.config.max_polecats).toBe(1);
      expect(github.reads).toEqual(["acme/rocket:.github/gastown.yml"]);
    });

    it("falls back to the owner's .github repository when the repo has no file", async () => {
      const github = files({ "acme/.github:.github/gastown.yml": "max_polecats: 7\n" });
      const result = loaded(await loadConfig({ repo, read: github.read }));
      expect(result).toMatchObject({ source: "org", files: ["acme/.github:.github/gastown.yml"] });
      expect(result.config.max_polecats).toBe(7);
    });

    it("uses the defaults when neither has one", async () => {
      const github = files({});
      expect(loaded(await loadConfig({ repo, read: github.read }))).toEqual({
        config: DEFAULT_CONFIG,
        source: "defaults",
        files: [],
      });
      expect(github.reads).toEqual(["acme/rocket:.github/gastown.yml", "acme/.github:.github/gastown.yml"]);
    });

    it("does not fall back from the .github repository to itself", async () => {
      const github = files({});
      await loadConfig({ repo: { owner: "acme", repo: ".github" }, read: github.read });
      expect(github.reads).toEqual(["acme/.github:.github/gastown.yml"]);
    });

    it("passes reading failures on rather than guessing", async () => {
      const read: ConfigFileReader = async () => {
        throw new Error("GitHub is down");
      };
      await expect(loadConfig({ repo, read })).rejects.toThrow("GitHub is down");
    });
  });

  describe("with _extends", () => {
    const base = [
      "max_polecats: 5",
      "polecat:",
      "  names: [ada, grace]",
      "  formula: shiny",
      "refinery:",
      "  mode: direct",
      "  batch_size: 9",
      "",
    ].join("\n");

    it("merges mappings key by key, the extending file winning, and replaces lists", async () => {
      const github = files({
        "acme/rocket:.github/gastown.yml":
          "_extends: shared\nrefinery:\n  batch_size: 2\npolecat:\n  names: [linus]\n",
        "acme/shared:.github/gastown.yml": base,
      });
      const result = loaded(await loadConfig({ repo, read: github.read }));
      expect(result.files).toEqual(["acme/shared:.github/gastown.yml", "acme/rocket:.github/gastown.yml"]);
      expect(result.config.max_polecats).toBe(5);
      expect(result.config.refinery).toMatchObject({ mode: "direct", batch_size: 2, require_review: true });
      expect(result.config.polecat).toMatchObject({
        names: ["linus"],
        formula: "shiny",
        workflow: "polecat.yml",
      });
    });

    it("follows owner/repo, owner/repo:path and chains of files", async () => {
      const github = files({
        "acme/rocket:.github/gastown.yml": "_extends: other/config:town/team.yml\nmax_polecats: 1\n",
        "other/config:town/team.yml": "_extends: root\nwitness:\n  max_restarts: 0\n",
        "other/root:town/team.yml":
          "witness:\n  max_restarts: 2\n  stale_after_minutes: 10\nmax_polecats: 9\n",
      });
      const result = loaded(await loadConfig({ repo, read: github.read }));
      expect(result.files).toEqual([
        "other/root:town/team.yml",
        "other/config:town/team.yml",
        "acme/rocket:.github/gastown.yml",
      ]);
      expect(result.config.max_polecats).toBe(1);
      expect(result.config.witness).toEqual({
        stale_after_minutes: 10,
        escalate_after_minutes: 45,
        max_restarts: 0,
      });
    });

    it("lets an org fallback file extend too", async () => {
      const github = files({
        "acme/.github:.github/gastown.yml": "_extends: acme/shared\n",
        "acme/shared:.github/gastown.yml": base,
      });
      const result = loaded(await loadConfig({ repo, read: github.read }));
      expect(result.source).toBe("org");
      expect(result.config.refinery.mode).toBe("direct");
    });

    it("reports a base file's problem in that file", async () => {
      const github = files({
        "acme/rocket:.github/gastown.yml": "_extends: shared\n",
        "acme/shared:.github/gastown.yml": "refinery:\n  mode: bors\n",
      });
      expect(problem(await loadConfig({ repo, read: github.read }))).toMatchObject({
        where: "acme/shared:.github/gastown.yml:2:9",
        message: 'refinery.mode must be one of batch, direct, native (got "bors")',
      });
    });

    it("reports a rule broken across files at the file that set the key", async () => {
      const github = files({
        "acme/rocket:.github/gastown.yml":
          "_extends: shared\nmax_polecats: 2\nwitness:\n  escalate_after_minutes: 25\n",
        "acme/shared:.github/gastown.yml": "witness:\n  stale_after_minutes: 30\n",
      });
      expect(problem(await loadConfig({ repo, read: github.read }))).toMatchObject({
        where: ".github/gastown.yml:4:27",
        message: expect.stringContaining(
          "witness.escalate_after_minutes must be more than stale_after_minutes (30)",
        ),
      });
    });

    it("reports a target that does not exist at the _extends line", async () => {
      const github = files({ "acme/rocket:.github/gastown.yml": "max_polecats: 2\n_extends: acme/gone\n" });
      expect(problem(await loadConfig({ repo, read: github.read }))).toEqual({
        where: ".github/gastown.yml:2:11",
        message:
          '_extends "acme/gone": acme/gone:.github/gastown.yml does not exist or the app cannot read it',
        hint: "Check the name, and that the app is installed on acme/gone (it reads files with its own access).",
      });
    });

    it("refuses a loop, naming the files in it", async () => {
      const github = files({
        "acme/rocket:.github/gastown.yml": "_extends: a\n",
        "acme/a:.github/gastown.yml": "_extends: acme/rocket\n",
      });
      expect(problem(await loadConfig({ repo, read: github.read }))).toEqual({
        where: "acme/a:.github/gastown.yml:1:11",
        message:
          '_extends "acme/rocket" leads back to a file already read (acme/rocket:.github/gastown.yml → acme/a:.github/gastown.yml → acme/rocket:.github/gastown.yml)',
        hint: "Remove one _extends so the files form a chain, not a loop.",
      });
    });

    it("refuses chains deeper than the limit", async () => {
      const github = files({
        "acme/rocket:.github/gastown.yml": "_extends: r1\n",
        "acme/r1:.github/gastown.yml": "_extends: r2\n",
        "acme/r2:.github/gastown.yml": "_extends: r3\n",
        "acme/r3:.github/gastown.yml": "max_polecats: 1\n",
      });
      expect(problem(await loadConfig({ repo, read: github.read, maxExtends: 2 })).message).toBe(
        "_extends goes more than 2 files deep",
      );
      expect(loaded(await loadConfig({ repo, read: github.read, maxExtends: 3 })).config.max_polecats).toBe(
        1,
      );
    });

    it("refuses an _extends that names no repository", async () => {
      const github = files({ "acme/rocket:.github/gastown.yml": "_extends: 'a b/c'\n" });
      expect(problem(await loadConfig({ repo, read: github.read }))).toMatchObject({
        where: ".github/gastown.yml:1:11",
        message: '_extends "a b/c" is not a repository or file',
      });
    });
  });

  describe("reading an _extends value", () => {
    const from = { owner: "acme", repo: "rocket", path: ".github/gastown.yml" };

    it.each([
      ["shared", { owner: "acme", repo: "shared", path: ".github/gastown.yml" }],
      [".github", { owner: "acme", repo: ".github", path: ".github/gastown.yml" }],
      ["other/shared", { owner: "other", repo: "shared", path: ".github/gastown.yml" }],
      ["other/shared:town/base.yml", { owner: "other", repo: "shared", path: "town/base.yml" }],
      ["shared:/base.yml", { owner: "acme", repo: "shared", path: "base.yml" }],
    ])("%s", (value, expected) => {
      expect(resolveExtends(value, from)).toEqual(expected);
    });

    it.each(["", "a/b/c", "a b", "x:../secret.yml", "x:"])("refuses %j", (value) => {
      expect(resolveExtends(value, from)).toBeNull();
    });
  });
});
