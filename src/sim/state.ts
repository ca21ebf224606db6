// The loopback GitHub's whole state, in memory. Records are stored in an internal form and
// turned into GitHub's REST/webhook shapes by the serializers in `shapes.ts`.
import { randomBytes } from "node:crypto";

export type Permission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export const PERMISSION_RANK: Record<Permission, number> = {
  none: 0,
  read: 1,
  triage: 2,
  write: 3,
  maintain: 4,
  admin: 5,
};

export interface SimUser {
  id: number;
  login: string;
  type: "User" | "Bot";
  /** Site admin flag is always false here; kept for payload fidelity. */
  name?: string;
}

export type TokenKind = "installation" | "user" | "workflow";

export interface SimToken {
  token: string;
  kind: TokenKind;
  /** The account the token acts as (the app's bot user, a human, or `github-actions[bot]`). */
  login: string;
  /** Repos (`owner/name`) the token may touch; `undefined` means every repo the account can. */
  repos?: string[];
  /** For installation and workflow tokens: the permission they carry on their repos. */
  permission?: Permission;
}

export interface SimLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

export interface SimMilestone {
  id: number;
  number: number;
  title: string;
  description: string | null;
  state: "open" | "closed";
  due_on: string | null;
  creator: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface SimIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  state_reason: "completed" | "not_planned" | "reopened" | "duplicate" | null;
  user: string;
  /** Label ids, in the order they were applied. */
  labels: number[];
  assignees: string[];
  milestone: number | null;
  locked: boolean;
  comments: number;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  closed_by: string | null;
  /** Set when this issue is a pull request (GitHub's issues API lists PRs too). */
  pull_request?: number;
  /** Issue ids (not numbers) this issue is blocked by / blocks. */
  blocked_by: number[];
  blocking: number[];
  /** Sub-issue ids in priority order, and the parent's id. */
  sub_issues: number[];
  parent: number | null;
}

export interface SimComment {
  id: number;
  issue_number: number;
  body: string;
  user: string;
  created_at: string;
  updated_at: string;
}

export interface SimReaction {
  id: number;
  content: string;
  user: string;
  created_at: string;
  /** What it reacts to. */
  subject: { kind: "issue"; number: number } | { kind: "comment"; id: number };
}

export interface SimPull {
  number: number;
  /** The issue id shared with the PR's issue record. */
  issue_id: number;
  id: number;
  head_ref: string;
  /** Head SHA as of the last sync with git. */
  head_sha: string;
  base_ref: string;
  base_sha: string;
  draft: boolean;
  merged: boolean;
  merged_at: string | null;
  merged_by: string | null;
  merge_commit_sha: string | null;
  maintainer_can_modify: boolean;
}

export interface SimReview {
  id: number;
  pull_number: number;
  user: string;
  body: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
  commit_id: string;
  submitted_at: string;
}

export interface SimCheckRun {
  id: number;
  head_sha: string;
  name: string;
  status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  conclusion:
    | "success"
    | "failure"
    | "neutral"
    | "cancelled"
    | "skipped"
    | "timed_out"
    | "action_required"
    | "stale"
    | null;
  external_id: string | null;
  details_url: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  started_at: string;
  completed_at: string | null;
  /** The login of the app that made it. */
  app: string;
  check_suite_id: number;
}

export interface SimCheckSuite {
  id: number;
  head_sha: string;
  head_branch: string | null;
  app: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: string | null;
  created_at: string;
  updated_at: string;
}

export interface SimStatus {
  id: number;
  sha: string;
  state: "error" | "failure" | "pending" | "success";
  context: string;
  description: string | null;
  target_url: string | null;
  creator: string;
  created_at: string;
  updated_at: string;
}

export interface SimWorkflow {
  id: number;
  /** File name under .github/workflows, e.g. `polecat.yml`. */
  path: string;
  name: string;
  state: "active" | "disabled_manually";
  /** What a run executes: a command and arguments, run in a checkout of the dispatched ref. */
  command: string[];
  /** Extra environment for the run process. */
  env?: Record<string, string>;
  created_at: string;
  /** Events that start it: `workflow_dispatch` (the API) and/or webhook events, `issues` or `issues.opened`. */
  on: string[];
  /** The job's key (`GITHUB_JOB`) and name. */
  job: string;
  /** Declared `workflow_dispatch` inputs; when set, undeclared inputs are refused as on GitHub. */
  inputs?: Record<string, SimWorkflowInput>;
  /** The job's `timeout-minutes`; a run past it is stopped and concluded `timed_out`. */
  timeoutMinutes?: number;
}

export interface SimWorkflowInput {
  required?: boolean;
  default?: string;
  description?: string;
}

/** The head commit summary GitHub embeds in workflow runs. */
export interface SimHeadCommit {
  id: string;
  tree_id: string;
  message: string;
  timestamp: string;
  author: { name: string; email: string };
  committer: { name: string; email: string };
}

export interface SimWorkflowRun {
  id: number;
  workflow_id: number;
  name: string;
  event: string;
  head_branch: string;
  head_sha: string;
  run_number: number;
  run_attempt: number;
  status: "queued" | "in_progress" | "completed";
  conclusion: "success" | "failure" | "cancelled" | "timed_out" | null;
  actor: string;
  inputs: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  run_started_at: string | null;
  /** Job ids of this run (one job per attempt here), every attempt's. */
  jobs: number[];
  /** Full ref the run checked out (`GITHUB_REF`). */
  ref: string;
  /** Who started the latest attempt (a re-run changes it). */
  triggering_actor: string;
  check_suite_id: number;
  display_title: string;
  head_commit: SimHeadCommit | null;
  /** The JSON written to `GITHUB_EVENT_PATH`, kept so a re-run sees the same event. */
  event_payload: string;
  /** The latest attempt's step outputs (`GITHUB_OUTPUT`), step summary and log. */
  outputs: Record<string, string>;
  summary: string;
  log: string;
}

export interface SimJob {
  id: number;
  run_id: number;
  run_attempt: number;
  created_at: string;
  name: string;
  status: "queued" | "in_progress" | "completed";
  conclusion: "success" | "failure" | "cancelled" | "timed_out" | null;
  started_at: string | null;
  completed_at: string | null;
}

export interface SimRepo {
  id: number;
  owner: string;
  name: string;
  private: boolean;
  default_branch: string;
  /** Bare git repository on disk. */
  gitDir: string;
  created_at: string;
  /** Explicit collaborators and their permission; the owner is admin. */
  collaborators: Map<string, Permission>;
  issues: Map<number, SimIssue>;
  /** Issue id → number, for the dependency and sub-issue APIs that take ids. */
  issueIdToNumber: Map<number, number>;
  nextNumber: number;
  /** Keyed by lower-cased name (GitHub label names are case-insensitive). */
  labels: Map<string, SimLabel>;
  milestones: Map<number, SimMilestone>;
  nextMilestone: number;
  comments: Map<number, SimComment>;
  reactions: Map<number, SimReaction>;
  pulls: Map<number, SimPull>;
  reviews: Map<number, SimReview>;
  checkRuns: Map<number, SimCheckRun>;
  checkSuites: Map<number, SimCheckSuite>;
  statuses: SimStatus[];
  workflows: Map<number, SimWorkflow>;
  runs: Map<number, SimWorkflowRun>;
  jobs: Map<number, SimJob>;
  nextRunNumber: number;
  /** Required status check contexts for the default branch (branch protection), if any. */
  requiredChecks: string[];
  /** Branch protection on the default branch: a PR's head must contain the base tip ("strict"). */
  requireUpToDate?: boolean;
  /** Branch protection on the default branch: approving reviews (by writers) needed to merge. */
  requiredApprovals?: number;
  /** A shell command CI runs on pushes and PRs; `undefined` means no CI. */
  ci?: SimCiConfig;
  /** Registered webhooks. */
  hooks: SimHook[];
}

export interface SimCiConfig {
  /** Check run name CI reports, e.g. `ci/test`. */
  name: string;
  /** Command run in a checkout of the commit; exit code 0 passes. */
  command: string[];
  /** Branches (glob with `*`) on which pushes run CI; PRs run unless `pullRequests` is false. */
  branches: string[];
  /** Whether PRs opened or synchronized run CI on their head (default true). */
  pullRequests?: boolean;
  /** A run still going after this long is killed and concludes `timed_out` (default 10 minutes). */
  timeoutMs?: number;
  /**
   * Whether merge groups run CI on their commit (`merge_group.checks_requested`), as a workflow
   * with `on: merge_group` does; without it a merge queue waits forever for its checks.
   */
  mergeGroups?: boolean;
}

export interface SimHook {
  id: number;
  url: string;
  secret: string;
  /** Event names, or `["*"]`. */
  events: string[];
  active: boolean;
  /** `json` (default here) or `form` (`payload=<json>` urlencoded), as GitHub's `config.content_type`. */
  content_type?: "json" | "form";
  insecure_ssl?: "0" | "1";
  created_at?: string;
  updated_at?: string;
  /** The outcome of the latest delivery (`unused` before any). */
  last_response?: { code: number | null; status: string; message: string | null };
  /** `app`: the GitHub App's webhook, receiving every repo's events (state.appHooks). */
  scope?: "repository" | "app";
}

export interface SimDelivery {
  id: number;
  guid: string;
  event: string;
  action: string | null;
  hook_id: number;
  repository: string;
  delivered_at: string;
  redelivery: boolean;
  status_code: number;
  duration_ms: number;
  /** The raw JSON body that was (or would be) sent. */
  payload: string;
  /** Whether this event may start workflows (false when caused by the workflow token). */
  triggers_workflows: boolean;
  /** Where it was sent, the status text (`OK`, `Invalid HTTP Response: 500`), what went and came back. */
  url: string;
  status: string;
  request_headers: Record<string, string>;
  response_headers: Record<string, string>;
  response_body: string;
  installation_id: number | null;
  repository_id: number | null;
}

/** Monotonic ids shared by every record type, as GitHub's ids are unique per type anyway. */
export class SimState {
  readonly users = new Map<string, SimUser>();
  readonly tokens = new Map<string, SimToken>();
  /** Keyed by `owner/name`, lower-cased. */
  readonly repos = new Map<string, SimRepo>();
  readonly deliveries: SimDelivery[] = [];
  /** The GitHub App's own webhooks: every repo's events go to them too. */
  readonly appHooks: SimHook[] = [];
  /** How many requests the API served, by `METHOD template`; benchmarks read it. */
  readonly requestCounts = new Map<string, number>();
  #nextId = 1000;
  /** Name of the app's bot account (installation tokens act as it). */
  appSlug = "gastown";

  nextId(): number {
    this.#nextId += 1;
    return this.#nextId;
  }

  /** Creates (or returns) a user account. */
  user(login: string, type: SimUser["type"] = login.endsWith("[bot]") ? "Bot" : "User"): SimUser {
    const existing = this.users.get(login.toLowerCase());
    if (existing) return existing;
    const user: SimUser = { id: this.nextId(), login, type };
    this.users.set(login.toLowerCase(), user);
    return user;
  }

  /** Issues a new token. */
  issueToken(spec: Omit<SimToken, "token"> & { token?: string }): SimToken {
    const prefix = spec.kind === "installation" ? "ghs_" : spec.kind === "workflow" ? "ghs_wf" : "ghp_";
    const token: SimToken = { ...spec, token: spec.token ?? prefix + randomBytes(18).toString("hex") };
    this.user(token.login);
    this.tokens.set(token.token, token);
    return token;
  }

  repo(owner: string, name: string): SimRepo | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  totalRequests(): number {
    let n = 0;
    for (const v of this.requestCounts.values()) n += v;
    return n;
  }
}
