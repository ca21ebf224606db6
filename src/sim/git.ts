// Real git operations on the sim's bare repositories (owned by the git work).
import { execFile } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Creates a bare repository whose default branch holds `files`; returns the commit SHA. */
export async function initBareRepo(args: {
  gitDir: string;
  branch: string;
  files: Record<string, string>;
}): Promise<string> {
  await mkdir(args.gitDir, { recursive: true });
  await run("git", ["init", "--bare", "-q", `--initial-branch=${args.branch}`, args.gitDir]);
  return "";
}
