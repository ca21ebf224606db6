// The last good config per repository (DESIGN §5: an invalid file is reported, and the app keeps
// running on the config it had). Entries are reused for a short while so a burst of events costs
// one read, and the map is bounded (least recently used goes first) so a long-running app with
// many installations does not grow without limit. A problem is flagged for reporting once per
// distinct content, so maintainers get one message per broken edit, not one per event.
import type { RepoRef } from "../../github/octokit.ts";
import { type Logger, silentLogger } from "../../log.ts";
import type { Result } from "../../model/errors.ts";
import { ConfigError, formatProblemLocation } from "./errors.ts";
import type { LoadedConfig } from "./load.ts";
import { DEFAULT_CONFIG, type GastownConfig } from "./schema.ts";

/** The config to use now, and what the app should tell the maintainers. */
export interface ConfigResolution {
  config: GastownConfig;
  /**
   * `loaded`: read just now and valid; `cached`: a recent read reused; `last-good`: the file is
   * invalid or unreadable and an earlier valid config stands in; `defaults`: the file is invalid
   * and no valid config was ever seen, so the defaults stand in.
   */
  from: "loaded" | "cached" | "last-good" | "defaults";
  /** What is wrong with the file, while it is invalid. */
  problem: ConfigError | null;
  /** True once per distinct problem: post it (check run or comment) now. */
  report: boolean;
  /** True on the first valid load after a reported problem: mark the report resolved. */
  recovered: boolean;
}

export interface ConfigCacheOptions {
  /** Repositories remembered; default 1,000. */
  maxRepos?: number;
  /** How long a read is reused, in ms; default 60,000. 0 reads on every event. */
  ttlMs?: number;
  /** Clock in ms; default Date.now. */
  now?: () => number;
}

interface Entry {
  lastGood: GastownConfig | null;
  problem: ConfigError | null;
  /** Fingerprint of the problem last flagged for reporting. */
  reported: string | null;
  checkedAt: number;
}

const repoKey = (repo: RepoRef): string => `${repo.owner}/${repo.repo}`.toLowerCase();

/** Identifies a problem by where and what, so the same broken file is reported once. */
function fingerprint(error: ConfigError): string {
  return error.problems.map((p) => `${formatProblemLocation(p)} ${p.message}`).join("\n");
}

export class ConfigCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxRepos: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: ConfigCacheOptions = {}) {
    this.#maxRepos = Math.max(1, options.maxRepos ?? 1000);
    this.#ttlMs = Math.max(0, options.ttlMs ?? 60_000);
    this.#now = options.now ?? Date.now;
  }

  /** Repositories remembered. */
  get size(): number {
    return this.#entries.size;
  }

  /** The resolution of a recent read, or null when the repo must be read again. */
  lookup(repo: RepoRef): ConfigResolution | null {
    const entry = this.#touch(repoKey(repo));
    if (!entry || this.#now() - entry.checkedAt >= this.#ttlMs) return null;
    if (entry.problem) return this.#fallback(entry, false);
    if (!entry.lastGood) return null;
    return { config: entry.lastGood, from: "cached", problem: null, report: false, recovered: false };
  }

  /** Records the outcome of a load and says what to use and whether to report. */
  record(repo: RepoRef, result: Result<LoadedConfig>): ConfigResolution {
    const k = repoKey(repo);
    const entry = this.#touch(k) ?? { lastGood: null, problem: null, reported: null, checkedAt: 0 };
    entry.checkedAt = this.#now();
    this.#store(k, entry);
    if (result.ok) {
      const recovered = entry.reported !== null;
      entry.lastGood = result.value.config;
      entry.problem = null;
      entry.reported = null;
      return { config: result.value.config, from: "loaded", problem: null, report: false, recovered };
    }
    const error =
      result.error instanceof ConfigError
        ? result.error
        : new ConfigError([
            { file: "", line: 0, column: 0, key: "", message: result.error.message, hint: result.error.hint },
          ]);
    entry.problem = error;
    const print = fingerprint(error);
    const report = entry.reported !== print;
    entry.reported = print;
    return this.#fallback(entry, report);
  }

  /** Forgets a repo's recent read (say, after a push that changed its config file). */
  invalidate(repo: RepoRef): void {
    const entry = this.#entries.get(repoKey(repo));
    if (entry) entry.checkedAt = Number.NEGATIVE_INFINITY;
  }

  /** The last good config, if any: what stands in when a read fails. */
  lastGood(repo: RepoRef): GastownConfig | null {
    return this.#entries.get(repoKey(repo))?.lastGood ?? null;
  }

  #fallback(entry: Entry, report: boolean): ConfigResolution {
    return entry.lastGood
      ? { config: entry.lastGood, from: "last-good", problem: entry.problem, report, recovered: false }
      : { config: DEFAULT_CONFIG, from: "defaults", problem: entry.problem, report, recovered: false };
  }

  #touch(k: string): Entry | undefined {
    const entry = this.#entries.get(k);
    if (entry) {
      this.#entries.delete(k);
      this.#entries.set(k, entry);
    }
    return entry;
  }

  #store(k: string, entry: Entry): void {
    this.#entries.delete(k);
    this.#entries.set(k, entry);
    while (this.#entries.size > this.#maxRepos) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}

export interface ResolveConfigOptions {
  cache: ConfigCache;
  repo: RepoRef;
  /** Reads and checks the config (usually `loadConfig` with a contents gateway). */
  load: () => Promise<Result<LoadedConfig>>;
  log?: Logger;
}

/**
 * The config to use for an event: a recent read, else a fresh load recorded in the cache. When
 * the read itself fails (GitHub down, rate limited), the last good config stands in; with none,
 * the failure is thrown, since guessing label names could damage the repo.
 */
export async function resolveConfig(options: ResolveConfigOptions): Promise<ConfigResolution> {
  const { cache, repo } = options;
  const log = options.log ?? silentLogger;
  const recent = cache.lookup(repo);
  if (recent) return recent;
  let result: Result<LoadedConfig>;
  try {
    result = await options.load();
  } catch (error: unknown) {
    const lastGood = cache.lastGood(repo);
    if (!lastGood) throw error;
    log.warn(
      { repo: `${repo.owner}/${repo.repo}`, error: error instanceof Error ? error.message : String(error) },
      "config could not be read; using the last good config",
    );
    return { config: lastGood, from: "last-good", problem: null, report: false, recovered: false };
  }
  const resolution = cache.record(repo, result);
  if (resolution.problem) {
    log.warn({ repo: `${repo.owner}/${repo.repo}`, from: resolution.from }, resolution.problem.message);
  }
  return resolution;
}
