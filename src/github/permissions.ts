// Who may do what: a user's permission on the repo (DESIGN §5: write, maintain or admin command
// the town), and what the repository itself says about our token's access.
import { isPermissionLevel, type PermissionLevel } from "../model/permission.ts";
import { callGitHub, httpStatus, repositoryNotFound, toGastownError } from "./errors.ts";
import { formatRepoRef, type GitHubContext } from "./octokit.ts";

/**
 * `login`'s permission on the repository. GitHub's `role_name` (admin, maintain, write, triage,
 * read) is used when it is one of those; a custom role falls back to the legacy `permission`
 * (admin, write, read, none). Not a collaborator (404) is `none`.
 */
export async function getPermission(gh: GitHubContext, login: string): Promise<PermissionLevel> {
  const { octokit, repo } = gh;
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: login });
    if (isPermissionLevel(data.role_name)) return data.role_name;
    return isPermissionLevel(data.permission) ? data.permission : "none";
  } catch (error: unknown) {
    if (httpStatus(error) === 404) return "none";
    throw toGastownError(error, { action: `read ${login}'s permission on ${formatRepoRef(repo)}` });
  }
}

/** The repository as the token sees it. */
export interface RepositoryInfo {
  fullName: string;
  defaultBranch: string;
  private: boolean;
  hasIssues: boolean;
  /** The token's own level when GitHub says (user tokens); null for app installation tokens. */
  permission: PermissionLevel | null;
}

/** Reads the repository; a missing one (or one the token cannot see) fails with a clear hint. */
export async function getRepository(gh: GitHubContext): Promise<RepositoryInfo> {
  const { octokit, repo } = gh;
  const { data } = await callGitHub(
    { action: `read repository ${formatRepoRef(repo)}`, notFound: repositoryNotFound(formatRepoRef(repo)) },
    () => octokit.rest.repos.get({ ...repo }),
  );
  const p = data.permissions;
  const permission: PermissionLevel | null = p
    ? p.admin
      ? "admin"
      : p.maintain
        ? "maintain"
        : p.push
          ? "write"
          : p.triage
            ? "triage"
            : p.pull
              ? "read"
              : "none"
    : null;
  return {
    fullName: data.full_name,
    defaultBranch: data.default_branch,
    private: data.private,
    hasIssues: data.has_issues,
    permission,
  };
}

/**
 * The login a token acts as, or null when it is no user's token (an app installation token or
 * Actions' GITHUB_TOKEN, which GitHub answers with 403).
 */
export async function getTokenLogin(gh: Pick<GitHubContext, "octokit">): Promise<string | null> {
  try {
    const { data } = await gh.octokit.rest.users.getAuthenticated();
    return data.login;
  } catch (error: unknown) {
    if (httpStatus(error) === 403) return null;
    throw toGastownError(error, { action: "read the token's user" });
  }
}
