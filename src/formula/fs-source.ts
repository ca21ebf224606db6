// Formula sources on the local filesystem: the built-ins shipped in `formulas/` and a checkout's
// `.github/gastown/formulas/` and `.beads/formulas/`. The only file in src/formula that does I/O;
// the GitHub side builds the same sources over the contents API with createReaderSource.
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createReaderSource, type FormulaSource, REPO_FORMULA_DIRS } from "./resolve.ts";

function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR";
}

/** A source over one directory of `*.formula.toml` / `*.formula.json` files. */
export function createDirectorySource(options: { dir: string; label?: string }): FormulaSource {
  return createReaderSource({
    label: options.label ?? options.dir,
    dir: options.dir,
    async readText(path) {
      try {
        return await readFile(path, "utf8");
      } catch (error: unknown) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async listFiles() {
      try {
        return await readdir(options.dir);
      } catch (error: unknown) {
        if (isMissing(error)) return [];
        throw error;
      }
    },
  });
}

/**
 * The directory of built-in formulas: `formulas/` at the package root, found by walking up from
 * this module (which sits in src/formula/ in a checkout and in dist/ when bundled).
 */
export function builtinFormulasDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    const candidate = join(dir, "formulas");
    if (existsSync(join(dir, "package.json")) && existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(
    `Cannot find the built-in formulas/ directory above ${fileURLToPath(import.meta.url)}; reinstall the package.`,
  );
}

/** The built-in formulas. */
export function createBuiltinSource(): FormulaSource {
  return createDirectorySource({ dir: builtinFormulasDir(), label: "built-in" });
}

/**
 * The search path for a checkout at `root`: its `.github/gastown/formulas/`, then its
 * `.beads/formulas/`, then the built-ins; the first formula of a name wins.
 */
export function checkoutFormulaSources(root: string): FormulaSource[] {
  return [
    ...REPO_FORMULA_DIRS.map((dir) => createDirectorySource({ dir: join(root, dir), label: dir })),
    createBuiltinSource(),
  ];
}
