// GitHub's REST and webhook shapes for the records every route shares: users and repositories.
// Each resource's own shapes live beside its routes (issues in routes/issues.ts, and so on).
import type {
  SimComment,
  SimIssue,
  SimLabel,
  SimMilestone,
  SimReaction,
  SimRepo,
  SimState,
  SimUser,
} from "./state.ts";

export function userShape(baseUrl: string, user: SimUser): Record<string, unknown> {
  return {
    login: user.login,
    id: user.id,
    node_id: `U_${user.id}`,
    avatar_url: `${baseUrl}/avatars/${encodeURIComponent(user.login)}`,
    gravatar_id: "",
    url: `${baseUrl}/users/${encodeURIComponent(user.login)}`,
    html_url: `${baseUrl}/${encodeURIComponent(user.login)}`,
    followers_url: `${baseUrl}/users/${encodeURIComponent(user.login)}/followers`,
    following_url: `${baseUrl}/users/${encodeURIComponent(user.login)}/following{/other_user}`,
    gists_url: `${baseUrl}/users/${encodeURIComponent(user.login)}/gists{/gist_id}`,
    starred_url: `${baseUrl}/users/${encodeURIComponent(user.login)}/starred{/owner}{/repo}`,
    subscriptions_url: `${baseUrl}/users/${encodeURIComponent(user.login)}/subscriptions`,
    organizations_url: `${baseUrl}/users/${encodeURIComponent(user.login)}/orgs`,
    repos_url: `${baseUrl}/users/${encodeURIComponent(user.login)}/repos`,
    events_url: `${baseUrl}/users/${encodeURIComponent(user.login)}/events{/privacy}`,
    received_events_url: `${baseUrl}/users/${encodeURIComponent(user.login)}/received_events`,
    type: user.type,
    user_view_type: "public",
    site_admin: false,
  };
}

/** The user record for a login, created on first sight (comments by new bots, say). */
export function userByLogin(state: SimState, baseUrl: string, login: string): Record<string, unknown> {
  return userShape(baseUrl, state.user(login));
}

export function repoShape(state: SimState, baseUrl: string, repo: SimRepo): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`;
  const api = `${baseUrl}/repos/${full}`;
  return {
    id: repo.id,
    node_id: `R_${repo.id}`,
    name: repo.name,
    full_name: full,
    private: repo.private,
    owner: userByLogin(state, baseUrl, repo.owner),
    html_url: `${baseUrl}/${full}`,
    description: null,
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_url: `git://127.0.0.1/${full}.git`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    ssh_url: `git@127.0.0.1:${full}.git`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${baseUrl}/${full}.git`,
    mirror_url: null,
    hooks_url: `${api}/hooks`,
    svn_url: `${baseUrl}/${full}`,
    homepage: null,
    language: null,
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    size: 0,
    default_branch: repo.default_branch,
    open_issues_count: [...repo.issues.values()].filter((i) => i.state === "open").length,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: false,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: repo.private ? "private" : "public",
    pushed_at: repo.created_at,
    created_at: repo.created_at,
    updated_at: repo.created_at,
    allow_forking: true,
    web_commit_signoff_required: false,
    forks: 0,
    open_issues: [...repo.issues.values()].filter((i) => i.state === "open").length,
    watchers: 0,
    // Required by GitHub's repository schemas (REST `repository`, webhook `repository`).
    license: null,
  };
}

// ---- Issues, labels, milestones, comments, reactions ------------------------------------

/** GitHub's reaction contents, in the order the reaction rollup lists them. */
export const REACTION_CONTENTS = [
  "+1",
  "-1",
  "laugh",
  "confused",
  "heart",
  "hooray",
  "eyes",
  "rocket",
] as const;
export type ReactionContent = (typeof REACTION_CONTENTS)[number];

type ReactionCounts = Record<ReactionContent, number>;

/**
 * Lookups a page of shapes shares, built lazily and once per list so serializing N issues
 * stays O(N + labels + reactions) instead of rescanning the repo per issue. Build a fresh memo
 * per response: it is a snapshot, not a live index.
 */
export class ShapeMemo {
  readonly #repo: SimRepo;
  #labelsById: Map<number, SimLabel> | undefined;
  #milestoneCounts: Map<number, { open: number; closed: number }> | undefined;
  #reactionCounts: Map<string, ReactionCounts> | undefined;
  readonly #users = new Map<string, Record<string, unknown>>();

  constructor(repo: SimRepo) {
    this.#repo = repo;
  }

  /** A user's shape, built once per memo (a page names the same few people many times). */
  user(state: SimState, baseUrl: string, login: string): Record<string, unknown> {
    const key = login.toLowerCase();
    let shape = this.#users.get(key);
    if (!shape) {
      shape = userByLogin(state, baseUrl, login);
      this.#users.set(key, shape);
    }
    return shape;
  }

  label(id: number): SimLabel | undefined {
    if (!this.#labelsById) {
      this.#labelsById = new Map();
      for (const label of this.#repo.labels.values()) this.#labelsById.set(label.id, label);
    }
    return this.#labelsById.get(id);
  }

  milestoneCounts(number: number): { open: number; closed: number } {
    if (!this.#milestoneCounts) {
      const counts = new Map<number, { open: number; closed: number }>();
      for (const issue of this.#repo.issues.values()) {
        if (issue.milestone === null) continue;
        let entry = counts.get(issue.milestone);
        if (!entry) {
          entry = { open: 0, closed: 0 };
          counts.set(issue.milestone, entry);
        }
        entry[issue.state] += 1;
      }
      this.#milestoneCounts = counts;
    }
    return this.#milestoneCounts.get(number) ?? { open: 0, closed: 0 };
  }

  /** Reaction counts for `issue:<number>` or `comment:<id>`. */
  reactions(subject: string): ReactionCounts | undefined {
    if (!this.#reactionCounts) {
      const counts = new Map<string, ReactionCounts>();
      for (const reaction of this.#repo.reactions.values()) {
        const key = reactionSubjectKey(reaction.subject);
        let entry = counts.get(key);
        if (!entry) {
          entry = emptyReactionCounts();
          counts.set(key, entry);
        }
        if (reaction.content in entry) entry[reaction.content as ReactionContent] += 1;
      }
      this.#reactionCounts = counts;
    }
    return this.#reactionCounts.get(subject);
  }
}

/** `issue:<number>` or `comment:<id>`: the key reactions are grouped by. */
export function reactionSubjectKey(subject: SimReaction["subject"]): string {
  return subject.kind === "issue" ? `issue:${subject.number}` : `comment:${subject.id}`;
}

function emptyReactionCounts(): ReactionCounts {
  return { "+1": 0, "-1": 0, laugh: 0, confused: 0, heart: 0, hooray: 0, eyes: 0, rocket: 0 };
}

function reactionRollup(url: string, counts: ReactionCounts | undefined): Record<string, unknown> {
  const c = counts ?? emptyReactionCounts();
  let total = 0;
  for (const content of REACTION_CONTENTS) total += c[content];
  return { url, total_count: total, ...c };
}

/** GitHub's `author_association` of a login on a repo. */
export function associationOf(repo: SimRepo, login: string): string {
  if (login.toLowerCase() === repo.owner.toLowerCase()) return "OWNER";
  if (repo.collaborators.has(login.toLowerCase())) return "COLLABORATOR";
  return "NONE";
}

const repoApi = (baseUrl: string, repo: SimRepo): string => `${baseUrl}/repos/${repo.owner}/${repo.name}`;
const repoHtml = (baseUrl: string, repo: SimRepo): string => `${baseUrl}/${repo.owner}/${repo.name}`;

/** GitHub's `label`. */
export function labelShape(baseUrl: string, repo: SimRepo, label: SimLabel): Record<string, unknown> {
  return {
    id: label.id,
    node_id: `LA_${label.id}`,
    url: `${repoApi(baseUrl, repo)}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: label.default,
    description: label.description,
  };
}

/** GitHub's `milestone`, with `open_issues`/`closed_issues` counted from the issues now. */
export function milestoneShape(
  state: SimState,
  baseUrl: string,
  repo: SimRepo,
  milestone: SimMilestone,
  memo: ShapeMemo = new ShapeMemo(repo),
): Record<string, unknown> {
  const api = `${repoApi(baseUrl, repo)}/milestones/${milestone.number}`;
  const counts = memo.milestoneCounts(milestone.number);
  return {
    url: api,
    html_url: `${repoHtml(baseUrl, repo)}/milestone/${milestone.number}`,
    labels_url: `${api}/labels`,
    id: milestone.id,
    node_id: `MI_${milestone.id}`,
    number: milestone.number,
    title: milestone.title,
    description: milestone.description,
    creator: memo.user(state, baseUrl, milestone.creator),
    open_issues: counts.open,
    closed_issues: counts.closed,
    state: milestone.state,
    created_at: milestone.created_at,
    updated_at: milestone.updated_at,
    due_on: milestone.due_on,
    closed_at: milestone.closed_at,
  };
}

/**
 * GitHub's `issue` (also the issue record of a pull request, which carries `pull_request`).
 * `sub_issues_summary` and `issue_dependencies_summary` count open/closed from the live records.
 */
export function issueShape(
  state: SimState,
  baseUrl: string,
  repo: SimRepo,
  issue: SimIssue,
  memo: ShapeMemo = new ShapeMemo(repo),
): Record<string, unknown> {
  const api = repoApi(baseUrl, repo);
  const url = `${api}/issues/${issue.number}`;
  const pull = issue.pull_request === undefined ? undefined : repo.pulls.get(issue.pull_request);
  const html = `${repoHtml(baseUrl, repo)}/${pull ? "pull" : "issues"}/${issue.number}`;
  const assignees = issue.assignees.map((login) => memo.user(state, baseUrl, login));
  const labels = issue.labels.flatMap((id) => {
    const label = memo.label(id);
    return label ? [labelShape(baseUrl, repo, label)] : [];
  });
  const milestone = issue.milestone === null ? undefined : repo.milestones.get(issue.milestone);
  const byId = (id: number): SimIssue | undefined => locateIssue(state, repo, id)?.issue;
  const openCount = (ids: readonly number[]): number =>
    ids.reduce((n, id) => (byId(id)?.state === "open" ? n + 1 : n), 0);
  const completed = issue.sub_issues.reduce((n, id) => (byId(id)?.state === "closed" ? n + 1 : n), 0);
  const total = issue.sub_issues.length;
  const parent = issue.parent === null ? undefined : locateIssue(state, repo, issue.parent);
  const shape: Record<string, unknown> = {
    url,
    repository_url: api,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: html,
    id: issue.id,
    node_id: pull ? `PR_${pull.id}` : `I_${issue.id}`,
    number: issue.number,
    title: issue.title,
    user: memo.user(state, baseUrl, issue.user),
    labels,
    state: issue.state,
    locked: issue.locked,
    assignee: assignees[0] ?? null,
    assignees,
    milestone: milestone ? milestoneShape(state, baseUrl, repo, milestone, memo) : null,
    comments: issue.comments,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at,
    author_association: associationOf(repo, issue.user),
    active_lock_reason: null,
    body: issue.body,
    closed_by: issue.closed_by === null ? null : memo.user(state, baseUrl, issue.closed_by),
    reactions: reactionRollup(`${url}/reactions`, memo.reactions(`issue:${issue.number}`)),
    timeline_url: `${url}/timeline`,
    performed_via_github_app: null,
    state_reason: issue.state_reason,
    sub_issues_summary: {
      total,
      completed,
      percent_completed: total === 0 ? 0 : Math.floor((completed * 100) / total),
    },
    issue_dependencies_summary: {
      blocked_by: openCount(issue.blocked_by),
      total_blocked_by: issue.blocked_by.length,
      blocking: openCount(issue.blocking),
      total_blocking: issue.blocking.length,
    },
    parent_issue_url: parent ? `${repoApi(baseUrl, parent.repo)}/issues/${parent.issue.number}` : null,
  };
  if (pull) {
    const pullHtml = `${repoHtml(baseUrl, repo)}/pull/${pull.number}`;
    shape.draft = pull.draft;
    shape.pull_request = {
      url: `${api}/pulls/${pull.number}`,
      html_url: pullHtml,
      diff_url: `${pullHtml}.diff`,
      patch_url: `${pullHtml}.patch`,
      merged_at: pull.merged_at,
    };
  }
  return shape;
}

/** GitHub's `issue-comment`. */
export function commentShape(
  state: SimState,
  baseUrl: string,
  repo: SimRepo,
  comment: SimComment,
  memo: ShapeMemo = new ShapeMemo(repo),
): Record<string, unknown> {
  const api = repoApi(baseUrl, repo);
  const isPull = repo.issues.get(comment.issue_number)?.pull_request !== undefined;
  const url = `${api}/issues/comments/${comment.id}`;
  return {
    url,
    html_url: `${repoHtml(baseUrl, repo)}/${isPull ? "pull" : "issues"}/${comment.issue_number}#issuecomment-${comment.id}`,
    issue_url: `${api}/issues/${comment.issue_number}`,
    id: comment.id,
    node_id: `IC_${comment.id}`,
    user: memo.user(state, baseUrl, comment.user),
    created_at: comment.created_at,
    updated_at: comment.updated_at,
    author_association: associationOf(repo, comment.user),
    body: comment.body,
    reactions: reactionRollup(`${url}/reactions`, memo.reactions(`comment:${comment.id}`)),
    performed_via_github_app: null,
  };
}

/** GitHub's `reaction`. */
export function reactionShape(
  state: SimState,
  baseUrl: string,
  reaction: SimReaction,
): Record<string, unknown> {
  return {
    id: reaction.id,
    node_id: `REA_${reaction.id}`,
    user: userByLogin(state, baseUrl, reaction.user),
    content: reaction.content,
    created_at: reaction.created_at,
  };
}

/** An issue by global id: its own repo first, then any repo (sub-issues and blockers may live elsewhere). */
function locateIssue(
  state: SimState,
  near: SimRepo,
  id: number,
): { repo: SimRepo; issue: SimIssue } | undefined {
  const local = near.issueIdToNumber.get(id);
  const here = local === undefined ? undefined : near.issues.get(local);
  if (here) return { repo: near, issue: here };
  for (const repo of state.repos.values()) {
    const number = repo.issueIdToNumber.get(id);
    const issue = number === undefined ? undefined : repo.issues.get(number);
    if (issue) return { repo, issue };
  }
  return undefined;
}

/**
 * The keys an `issue` carries inside webhook payloads. GitHub's published webhook schema for an
 * issue is closed (no extra keys) and predates `closed_by`, `sub_issues_summary`,
 * `issue_dependencies_summary` and `parent_issue_url`, so events carry the REST shape without them.
 */
const WEBHOOK_ISSUE_KEYS = new Set([
  "url",
  "repository_url",
  "labels_url",
  "comments_url",
  "events_url",
  "html_url",
  "id",
  "node_id",
  "number",
  "title",
  "user",
  "labels",
  "state",
  "locked",
  "assignee",
  "assignees",
  "milestone",
  "comments",
  "created_at",
  "updated_at",
  "closed_at",
  "author_association",
  "active_lock_reason",
  "draft",
  "performed_via_github_app",
  "pull_request",
  "body",
  "reactions",
  "timeline_url",
  "state_reason",
]);

/** GitHub's webhook `issue` (for `issues` and `issue_comment` events): the REST shape, trimmed. */
export function issueWebhookShape(
  state: SimState,
  baseUrl: string,
  repo: SimRepo,
  issue: SimIssue,
): Record<string, unknown> {
  const rest = issueShape(state, baseUrl, repo, issue);
  const shape: Record<string, unknown> = {};
  for (const key of Object.keys(rest)) if (WEBHOOK_ISSUE_KEYS.has(key)) shape[key] = rest[key];
  return shape;
}
