// Loading a repository's config the way Probot's `context.config` does: `.github/gastown.yml` on
// the default branch; when the repo has none, the same path in the owner's `.github` repository;
// then every `_extends` in turn (`repo`, `owner/repo`, `owner/repo:path`), the extending file
// winning. Reading files is injected (createGitHubConfigReader over the contents gateway, or an
// in-memory map in tests); everything it finds wrong is a located ConfigError.
import { readRepoFile } from "../../github/contents.ts";
import type { GitHubClient, RepoRef } from "../../github/octokit.ts";
import { fail, ok, type Result } from "../../model/errors.ts";
import { ConfigError } from "./errors.ts";
import { type ConfigFile, mergeConfigFiles, readConfigFile } from "./parse.ts";
import { CONFIG_PATH, DEFAULT_CONFIG, type GastownConfig } from "./schema.ts";

/** A file to read: repository and path. */
export interface ConfigFileLocation extends RepoRef {
  path: string;
}

/**
 * Reads a file's text from a repository's default branch; null when the file (or the
 * repository) does not exist or the app cannot see it. Other failures throw.
 */
export type ConfigFileReader = (location: ConfigFileLocation) => Promise<string | null>;

/**
 * A reader over the contents gateway: the file's text on the default branch, null when the file
 * or the repository is missing (or invisible to the token).
 */
export function createGitHubConfigReader(octokit: GitHubClient): ConfigFileReader {
  return async ({ owner, repo, path }) => {
    const file = await readRepoFile({ octokit, repo: { owner, repo } }, { path });
    return file?.text ?? null;
  };
}

/** Where the config came from. */
export type ConfigSourceKind = "repo" | "org" | "defaults";

/** A loaded config and the files it was made of, base first. */
export interface LoadedConfig {
  config: GastownConfig;
  source: ConfigSourceKind;
  /** `owner/repo:path` of each file read, base first (empty for defaults). */
  files: string[];
}

export interface LoadConfigOptions {
  repo: RepoRef;
  read: ConfigFileReader;
  /** Default `.github/gastown.yml`. */
  path?: string;
  /** Most `_extends` links followed; default 5. */
  maxExtends?: number;
}

const NAME = "[A-Za-z0-9_.-]+";
const EXTENDS = new RegExp(`^(?:(${NAME})/)?(${NAME})(?::(.+))?$`);

/**
 * Where an `_extends` value points, relative to the file it is in: `repo` (same owner, same
 * path), `owner/repo`, or either with `:path`. Null when it is none of those.
 */
export function resolveExtends(value: string, from: ConfigFileLocation): ConfigFileLocation | null {
  const match = EXTENDS.exec(value.trim());
  if (!match) return null;
  const path = (match[3] ?? from.path).replace(/^\/+/, "");
  if (path === "" || path.split("/").includes("..")) return null;
  return { owner: match[1] ?? from.owner, repo: match[2] as string, path };
}

const key = (at: ConfigFileLocation): string => `${at.owner}/${at.repo}:${at.path}`.toLowerCase();

/** How a file is named in problems: its path in the repo itself, `owner/repo:path` elsewhere. */
function displayName(at: ConfigFileLocation, home: RepoRef): string {
  const same =
    at.owner.toLowerCase() === home.owner.toLowerCase() && at.repo.toLowerCase() === home.repo.toLowerCase();
  return same ? at.path : `${at.owner}/${at.repo}:${at.path}`;
}

function extendsProblem(file: ConfigFile, message: string, hint: string): ConfigError {
  return new ConfigError([
    { file: file.file, ...file.yaml.locate(["_extends"]), key: "_extends", message, hint },
  ]);
}

/** Loads and checks a repository's config. Throws only when reading fails (network, 5xx). */
export async function loadConfig(options: LoadConfigOptions): Promise<Result<LoadedConfig>> {
  const { repo, read } = options;
  const path = options.path ?? CONFIG_PATH;
  const maxExtends = options.maxExtends ?? 5;

  let location: ConfigFileLocation = { ...repo, path };
  let source: ConfigSourceKind = "repo";
  let text = await read(location);
  if (text === null && repo.repo.toLowerCase() !== ".github") {
    location = { owner: repo.owner, repo: ".github", path };
    source = "org";
    text = await read(location);
  }
  if (text === null) return ok({ config: DEFAULT_CONFIG, source: "defaults", files: [] });

  // Child first while reading; merged base first.
  const chain: ConfigFile[] = [];
  const locations: ConfigFileLocation[] = [];
  const seen = new Set<string>();
  for (;;) {
    const parsed = readConfigFile(text, { path: displayName(location, repo) });
    if (!parsed.ok) return parsed;
    const file = parsed.value;
    chain.push(file);
    locations.push(location);
    seen.add(key(location));
    if (file.extends === null) break;

    const next = resolveExtends(file.extends, location);
    if (!next) {
      return fail(
        extendsProblem(
          file,
          `_extends "${file.extends}" is not a repository or file`,
          "Write `_extends: repo`, `_extends: owner/repo` or `_extends: owner/repo:path/to/file.yml`.",
        ),
      );
    }
    if (seen.has(key(next))) {
      return fail(
        extendsProblem(
          file,
          `_extends "${file.extends}" leads back to a file already read (${[...locations, next].map((l) => `${l.owner}/${l.repo}:${l.path}`).join(" → ")})`,
          "Remove one _extends so the files form a chain, not a loop.",
        ),
      );
    }
    if (chain.length > maxExtends) {
      return fail(
        extendsProblem(
          file,
          `_extends goes more than ${maxExtends} files deep`,
          "Extend a file that extends nothing, or flatten the chain.",
        ),
      );
    }
    const nextText = await read(next);
    if (nextText === null) {
      return fail(
        extendsProblem(
          file,
          `_extends "${file.extends}": ${next.owner}/${next.repo}:${next.path} does not exist or the app cannot read it`,
          `Check the name, and that the app is installed on ${next.owner}/${next.repo} (it reads files with its own access).`,
        ),
      );
    }
    location = next;
    text = nextText;
  }
  const merged = mergeConfigFiles([...chain].reverse());
  if (!merged.ok) return merged;
  return ok({
    config: merged.value,
    source,
    files: [...locations].reverse().map((l) => `${l.owner}/${l.repo}:${l.path}`),
  });
}
