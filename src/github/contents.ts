// The contents gateway: read a file or list a directory of a repository at a ref (the default
// branch unless told). Repo-side configuration lives in files (formulas, later the town config),
// and a missing file or directory is an ordinary answer here (undefined), not an error.
import { GastownError } from "../model/errors.ts";
import { httpStatus, toGastownError } from "./errors.ts";
import { formatRepoRef, type GitHubContext } from "./octokit.ts";

/** A file read from a repository. */
export interface RepoFile {
  path: string;
  text: string;
  /** The blob SHA (what an update must name). */
  sha: string;
}

/** One entry of a directory listing. */
export interface RepoDirEntry {
  name: string;
  path: string;
  type: "file" | "dir" | "symlink" | "submodule";
}

interface ContentRecord {
  type: string;
  name: string;
  path: string;
  sha: string;
  content?: string;
  encoding?: string;
}

function cleanPath(path: string): string {
  return path.replace(/^\/+|\/+$/g, "");
}

async function getContent(
  gh: GitHubContext,
  params: { path: string; ref?: string },
): Promise<ContentRecord | ContentRecord[] | undefined> {
  const { octokit, repo } = gh;
  try {
    const { data } = await octokit.rest.repos.getContent({
      ...repo,
      path: cleanPath(params.path),
      ...(params.ref === undefined ? {} : { ref: params.ref }),
    });
    return data as ContentRecord | ContentRecord[];
  } catch (error: unknown) {
    if (httpStatus(error) === 404) return undefined;
    throw toGastownError(error, { action: `read ${params.path} in ${formatRepoRef(repo)}` });
  }
}

/** A file's text (UTF-8), or undefined when there is no file at `path` (or it is a directory). */
export async function readRepoFile(
  gh: GitHubContext,
  params: { path: string; ref?: string },
): Promise<RepoFile | undefined> {
  const data = await getContent(gh, params);
  if (data === undefined || Array.isArray(data) || data.type !== "file") return undefined;
  if (data.encoding !== "base64" || data.content === undefined) {
    throw new GastownError(
      `${data.path} in ${formatRepoRef(gh.repo)} is too large to read through the API.`,
      {
        code: "too-long",
        hint: "Keep configuration and formula files under 1 MB.",
      },
    );
  }
  return { path: data.path, text: Buffer.from(data.content, "base64").toString("utf8"), sha: data.sha };
}

/**
 * The entries of a directory, or undefined when there is no directory at `path`. GitHub lists up
 * to 1,000 entries in one answer (the contents API does not paginate).
 */
export async function listRepoDirectory(
  gh: GitHubContext,
  params: { path: string; ref?: string },
): Promise<RepoDirEntry[] | undefined> {
  const data = await getContent(gh, params);
  if (data === undefined || !Array.isArray(data)) return undefined;
  return data.map((entry) => ({
    name: entry.name,
    path: entry.path,
    type:
      entry.type === "dir" || entry.type === "symlink" || entry.type === "submodule" ? entry.type : "file",
  }));
}
