import { describe, expect, it } from "vitest";
import {
  ConfigCache,
  type ConfigFileReader,
  DEFAULT_CONFIG,
  type LoadedConfig,
  loadConfig,
  parseConfig,
  resolveConfig,
} from "../../src/app/config/index.ts";
import { fail, ok, type Result } from "../../src/model/errors.ts";

const repo = { owner: "acme", repo: "rocket" };

/** A load result for a file's text, as loadConfig would give it. */
function loadOf(text: string): Result<LoadedConfig> {
  const parsed = parseConfig(text, { path: ".github/gastown.yml" });
  return parsed.ok
    ? ok({ config: parsed.value, source: "repo", files: ["acme/rocket:.github/gastown.yml"] })
    : fail(parsed.error);
}

function clock(start = 0): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe("the config cache", () => {
  describe("when the file is valid", () => {
    it("uses the loaded config and reuses it until it is old", () => {
      const time = clock();
      const cache = new ConfigCache({ ttlMs: 1000, now: time.now });
      expect(cache.lookup(repo)).toBeNull();
      const first = cache.record(repo, loadOf("max_polecats: 2"));
      expect(first).toMatchObject({ from: "loaded", problem: null, report: false, recovered: false });
      expect(first.config.max_polecats).toBe(2);
      time.advance(999);
      expect(cache.lookup({ owner: "ACME", repo: "Rocket" })).toMatchObject({
        from: "cached",
        report: false,
      });
      time.advance(1);
      expect(cache.lookup(repo)).toBeNull();
    });

    it("reads again after invalidate (a push changed the file)", () => {
      const cache = new ConfigCache({ ttlMs: 60_000 });
      cache.record(repo, loadOf(""));
      cache.invalidate(repo);
      expect(cache.lookup(repo)).toBeNull();
      expect(cache.lastGood(repo)).toEqual(DEFAULT_CONFIG);
    });
  });

  describe("when the file turns invalid", () => {
    it("keeps the last good config and flags the problem for reporting once", () => {
      const time = clock();
      const cache = new ConfigCache({ ttlMs: 1000, now: time.now });
      cache.record(repo, loadOf("max_polecats: 2"));

      const broken = cache.record(repo, loadOf("max_polecats: two"));
      expect(broken).toMatchObject({ from: "last-good", report: true, recovered: false });
      expect(broken.config.max_polecats).toBe(2);
      expect(broken.problem?.problems[0]?.message).toBe('max_polecats must be a whole number, not "two"');

      expect(cache.lookup(repo)).toMatchObject({ from: "last-good", report: false });
      time.advance(1000);
      expect(cache.record(repo, loadOf("max_polecats: two"))).toMatchObject({
        from: "last-good",
        report: false,
      });

      const otherwise = cache.record(repo, loadOf("max_polecats: three"));
      expect(otherwise).toMatchObject({ from: "last-good", report: true });
    });

    it("says when the file is fixed, once", () => {
      const cache = new ConfigCache();
      cache.record(repo, loadOf("max_polecats: two"));
      const fixed = cache.record(repo, loadOf("max_polecats: 4"));
      expect(fixed).toMatchObject({ from: "loaded", recovered: true, problem: null });
      expect(fixed.config.max_polecats).toBe(4);
      expect(cache.record(repo, loadOf("max_polecats: 4")).recovered).toBe(false);
    });

    it("uses the defaults when no valid config was ever seen", () => {
      const cache = new ConfigCache();
      const broken = cache.record(repo, loadOf("refinery: {mode: bors}"));
      expect(broken).toMatchObject({ from: "defaults", report: true });
      expect(broken.config).toBe(DEFAULT_CONFIG);
    });
  });

  describe("its size", () => {
    it("stays bounded, forgetting the least recently used repository", () => {
      const cache = new ConfigCache({ maxRepos: 2 });
      const a = { owner: "o", repo: "a" };
      const b = { owner: "o", repo: "b" };
      const c = { owner: "o", repo: "c" };
      cache.record(a, loadOf("max_polecats: 1"));
      cache.record(b, loadOf("max_polecats: 2"));
      cache.lookup(a);
      cache.record(c, loadOf("max_polecats: 3"));
      expect(cache.size).toBe(2);
      expect(cache.lastGood(a)?.max_polecats).toBe(1);
      expect(cache.lastGood(b)).toBeNull();
      expect(cache.lastGood(c)?.max_polecats).toBe(3);
    });

    it("holds many repositories at the bound", () => {
      const cache = new ConfigCache({ maxRepos: 50 });
      for (let i = 0; i < 1000; i++) cache.record({ owner: "o", repo: `r${i}` }, loadOf(""));
      expect(cache.size).toBe(50);
    });
  });
});

describe("resolving the config for an event", () => {
  function github(initial: string | null): {
    read: ConfigFileReader;
    set: (text: string | null | Error) => void;
    reads: () => number;
  } {
    let text: string | null | Error = initial;
    let reads = 0;
    return {
      read: async ({ owner, repo: name, path }) => {
        if (`${owner}/${name}:${path}` !== "acme/rocket:.github/gastown.yml") return null;
        reads++;
        if (text instanceof Error) throw text;
        return text;
      },
      set: (next) => {
        text = next;
      },
      reads: () => reads,
    };
  }

  it("loads once for a burst of events, then the last good config survives a broken edit", async () => {
    const cache = new ConfigCache({ ttlMs: 60_000 });
    const gh = github("max_polecats: 2\n");
    const load = () => loadConfig({ repo, read: gh.read });

    const first = await resolveConfig({ cache, repo, load });
    const second = await resolveConfig({ cache, repo, load });
    expect([first.from, second.from]).toEqual(["loaded", "cached"]);
    expect(gh.reads()).toBe(1);

    gh.set("max_polecats: 2\nrefinery:\n  mode: bors\n");
    cache.invalidate(repo);
    const broken = await resolveConfig({ cache, repo, load });
    expect(broken).toMatchObject({ from: "last-good", report: true });
    expect(broken.config.max_polecats).toBe(2);
    expect(broken.problem?.problems[0]).toMatchObject({ file: ".github/gastown.yml", line: 3, column: 9 });
  });

  it("keeps the last good config when GitHub cannot be read, and fails without one", async () => {
    const cache = new ConfigCache({ ttlMs: 0 });
    const gh = github("max_polecats: 5\n");
    const load = () => loadConfig({ repo, read: gh.read });
    await resolveConfig({ cache, repo, load });
    gh.set(new Error("502 Bad Gateway"));
    const warnings: string[] = [];
    const log = {
      debug() {},
      info() {},
      error() {},
      warn: (_f: Record<string, unknown>, m: string) => warnings.push(m),
    };
    const stale = await resolveConfig({ cache, repo, load, log });
    expect(stale).toMatchObject({ from: "last-good", problem: null, report: false });
    expect(stale.config.max_polecats).toBe(5);
    expect(warnings).toEqual(["config could not be read; using the last good config"]);

    const fresh = new ConfigCache();
    await expect(resolveConfig({ cache: fresh, repo, load })).rejects.toThrow("502 Bad Gateway");
  });
});
