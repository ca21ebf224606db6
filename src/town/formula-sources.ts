// Where formulas come from, for each runtime. On GitHub (the app, `bd mol pour`): the repo's
// `.github/gastown/formulas/`, then `.beads/formulas/`, read through the contents API, then the
// built-ins shipped in the package's `formulas/`. In a checkout (`gt formula ...`): the same two
// directories on disk, then the built-ins. A repo's formula of a name shadows a built-in.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import {
  checkoutFormulaSources,
  createBuiltinSource,
  createReaderSource,
  type FormulaSource,
  REPO_FORMULA_DIRS,
} from "../formula/index.ts";
import { listRepoDirectory, readRepoFile } from "../github/contents.ts";
import type { GitHubContext } from "../github/octokit.ts";

export interface GitHubFormulaSourceOptions {
  /** Branch, tag or commit to read; the default branch when omitted. */
  ref?: string;
}

/**
 * One repository directory of formulas over the contents API. The directory is listed once (one
 * request, none when it does not exist) and only files it holds are read, so asking for a name
 * the repo does not define costs nothing more.
 */
export function createGitHubDirectorySource(
  gh: GitHubContext,
  dir: string,
  options: GitHubFormulaSourceOptions = {},
): FormulaSource {
  const ref = options.ref === undefined ? {} : { ref: options.ref };
  let listing: Promise<Set<string>> | undefined;
  const files = (): Promise<Set<string>> => {
    listing ??= listRepoDirectory(gh, { path: dir, ...ref }).then(
      (entries) =>
        new Set((entries ?? []).filter((entry) => entry.type === "file").map((entry) => entry.name)),
    );
    return listing;
  };
  return createReaderSource({
    label: dir,
    dir,
    async readText(path) {
      const name = path.slice(path.lastIndexOf("/") + 1);
      if (!(await files()).has(name)) return undefined;
      return (await readRepoFile(gh, { path, ...ref }))?.text;
    },
    async listFiles() {
      return [...(await files())];
    },
  });
}

/** The search path on GitHub: the repo's formula directories, then the built-ins. */
export function githubFormulaSources(
  gh: GitHubContext,
  options: GitHubFormulaSourceOptions = {},
): FormulaSource[] {
  return [
    ...REPO_FORMULA_DIRS.map((dir) => createGitHubDirectorySource(gh, dir, options)),
    createBuiltinSource(),
  ];
}

/** The working tree's root: the nearest directory at or above `cwd` holding `.git`, else undefined. */
export function findCheckoutRoot(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    if (existsSync(join(dir, ".git"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The search path in a checkout: its formula directories (when `cwd` is inside one), then the
 * built-ins. Outside a checkout only the built-ins are found.
 */
export function localFormulaSources(cwd: string): FormulaSource[] {
  const root = findCheckoutRoot(cwd);
  return root === undefined ? [createBuiltinSource()] : checkoutFormulaSources(root);
}
