// Repositories and accounts: a repo, the signed-in user, any user, and the repositories an
// installation token can reach.
import { type Principal, permissionOn } from "../auth.ts";
import type { SimContext } from "../context.ts";
import { HttpError, notFound, ok, paginate, type SimRequest, type SimResponse } from "../http.ts";
import { repoFor } from "../issues-core.ts";
import type { Router } from "../router.ts";
import { repoShape, userShape } from "../shapes.ts";
import { PERMISSION_RANK, type Permission, type SimRepo, type SimState, type SimUser } from "../state.ts";

export function register(router: Router): void {
  router.get("/repos/{owner}/{repo}", getRepo);
  router.get("/user", getAuthenticatedUser);
  router.get("/users/{username}", getUser);
  router.get("/installation/repositories", listInstallationRepos);
}

function permissionsOf(held: Permission): Record<string, boolean> {
  const at = (level: Permission): boolean => PERMISSION_RANK[held] >= PERMISSION_RANK[level];
  return {
    admin: at("admin"),
    maintain: at("maintain"),
    push: at("write"),
    triage: at("triage"),
    pull: at("read"),
  };
}

/** `repository` as lists carry it, with the caller's `permissions`. */
function listedRepoShape(
  state: SimState,
  baseUrl: string,
  repo: SimRepo,
  principal: Principal,
): Record<string, unknown> {
  return {
    ...repoShape(state, baseUrl, repo),
    license: null,
    permissions: permissionsOf(permissionOn(repo, principal)),
  };
}

/** `full-repository`: the list shape plus merge settings and network counts. */
function getRepo(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "read");
  return ok({
    ...listedRepoShape(sim.state, sim.baseUrl, repo, req.principal),
    allow_rebase_merge: true,
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_auto_merge: false,
    allow_update_branch: true,
    delete_branch_on_merge: false,
    use_squash_pr_title_as_default: false,
    squash_merge_commit_title: "COMMIT_OR_PR_TITLE",
    squash_merge_commit_message: "COMMIT_MESSAGES",
    merge_commit_title: "MERGE_MESSAGE",
    merge_commit_message: "PR_TITLE",
    temp_clone_token: null,
    network_count: 0,
    subscribers_count: 0,
  });
}

/** `public-user`: the profile fields every account shows. */
function publicUserShape(baseUrl: string, user: SimUser, created: string): Record<string, unknown> {
  return {
    ...userShape(baseUrl, user),
    name: user.name ?? null,
    company: null,
    blog: "",
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: created,
    updated_at: created,
  };
}

/** When an account's first repo appeared, standing in for its sign-up date. */
function accountCreated(state: SimState, login: string): string {
  let earliest: string | undefined;
  for (const repo of state.repos.values()) {
    if (repo.owner.toLowerCase() === login.toLowerCase() && (!earliest || repo.created_at < earliest)) {
      earliest = repo.created_at;
    }
  }
  return earliest ?? "2008-01-14T04:33:35Z";
}

/** The signed-in user. App and workflow tokens are not users: 403, as GitHub answers them. */
function getAuthenticatedUser(req: SimRequest, sim: SimContext): SimResponse {
  const { token } = req.principal;
  if (!token) throw new HttpError(401, "Requires authentication");
  if (token.kind !== "user") throw new HttpError(403, "Resource not accessible by integration");
  const user = sim.state.user(token.login);
  const owned = [...sim.state.repos.values()].filter(
    (r) => r.owner.toLowerCase() === user.login.toLowerCase(),
  );
  const privateCount = owned.filter((r) => r.private).length;
  return ok({
    ...publicUserShape(sim.baseUrl, user, accountCreated(sim.state, user.login)),
    public_repos: owned.length - privateCount,
    private_gists: 0,
    total_private_repos: privateCount,
    owned_private_repos: privateCount,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: true,
  });
}

function getUser(req: SimRequest, sim: SimContext): SimResponse {
  const user = sim.state.users.get((req.params.username ?? "").toLowerCase());
  if (!user) throw notFound();
  const publicRepos = [...sim.state.repos.values()].filter(
    (r) => !r.private && r.owner.toLowerCase() === user.login.toLowerCase(),
  ).length;
  return ok({
    ...publicUserShape(sim.baseUrl, user, accountCreated(sim.state, user.login)),
    public_repos: publicRepos,
  });
}

/**
 * The repos an installation token reaches: its `repos` when it names some ("selected"), else
 * every repo in the sim ("all"). User tokens get 403, as on GitHub.
 */
function listInstallationRepos(req: SimRequest, sim: SimContext): SimResponse {
  const { token } = req.principal;
  if (!token) throw new HttpError(401, "Requires authentication");
  if (token.kind === "user") {
    throw new HttpError(
      403,
      "You must authenticate with an installation access token in order to list repositories for an installation.",
    );
  }
  const repos = [...sim.state.repos.values()].filter(
    (repo) => PERMISSION_RANK[permissionOn(repo, req.principal)] > 0,
  );
  const selected = token.repos
    ? repos.filter((r) => token.repos?.some((n) => n.toLowerCase() === `${r.owner}/${r.name}`.toLowerCase()))
    : repos;
  const page = paginate(req, selected, (repo) =>
    listedRepoShape(sim.state, sim.baseUrl, repo, req.principal),
  );
  return {
    ...page,
    body: {
      total_count: selected.length,
      repository_selection: token.repos ? "selected" : "all",
      repositories: page.body,
    },
  };
}
