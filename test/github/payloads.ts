// Real GitHub payload shapes for gateway and model tests: the examples of GitHub's own OpenAPI
// description (@octokit/openapi), with only the fields a scenario needs changed.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

type Json = Record<string, unknown>;

const require = createRequire(import.meta.url);
let examples: Record<string, { value: unknown }> | undefined;

function example(name: string): Json {
  if (!examples) {
    const path = require.resolve("@octokit/openapi/generated/api.github.com.json");
    const spec = JSON.parse(readFileSync(path, "utf8")) as {
      components: { examples: Record<string, { value: unknown }> };
    };
    examples = spec.components.examples;
  }
  const found = examples[name];
  if (!found) throw new Error(`no OpenAPI example named ${name}`);
  return structuredClone(found.value) as Json;
}

export const OWNER = "acme";
export const REPO = "app";
export const API = "https://api.github.com";

const repoApi = `${API}/repos/${OWNER}/${REPO}`;

export interface IssueOverrides {
  number: number;
  id?: number;
  title?: string;
  body?: string | null;
  state?: "open" | "closed";
  state_reason?: string | null;
  labels?: string[];
  assignees?: string[];
  milestone?: { number: number; title: string } | null;
  created_at?: string;
  updated_at?: string;
  closed_at?: string | null;
  blocked_by?: number;
  total_blocked_by?: number;
  blocking?: number;
  parent?: number | null;
  sub_issues?: { total: number; completed: number };
  pull_request?: boolean;
  repo?: string;
}

/** An issue as GitHub returns it (OpenAPI example, adjusted). */
export function issuePayload(o: IssueOverrides): Json {
  const issue = example("issue");
  const base = o.repo ? `${API}/repos/${o.repo}` : repoApi;
  const user = (issue.user ?? {}) as Json;
  const milestone = example("milestone");
  Object.assign(issue, {
    id: o.id ?? 1000 + o.number,
    number: o.number,
    url: `${base}/issues/${o.number}`,
    repository_url: base,
    html_url: `https://github.com/${o.repo ?? `${OWNER}/${REPO}`}/issues/${o.number}`,
    title: o.title ?? `Bead ${o.number}`,
    body: o.body === undefined ? null : o.body,
    state: o.state ?? "open",
    state_reason: o.state_reason ?? (o.state === "closed" ? "completed" : null),
    labels: (o.labels ?? []).map((name, i) => ({ ...example("label"), id: 5000 + i, name })),
    assignees: (o.assignees ?? []).map((login) => ({ ...user, login })),
    assignee: o.assignees?.[0] ? { ...user, login: o.assignees[0] } : null,
    milestone: o.milestone ? { ...milestone, number: o.milestone.number, title: o.milestone.title } : null,
    created_at: o.created_at ?? "2026-01-01T00:00:00Z",
    updated_at: o.updated_at ?? o.created_at ?? "2026-01-01T00:00:00Z",
    closed_at: o.closed_at ?? (o.state === "closed" ? "2026-01-02T00:00:00Z" : null),
    issue_dependencies_summary: {
      blocked_by: o.blocked_by ?? 0,
      total_blocked_by: o.total_blocked_by ?? o.blocked_by ?? 0,
      blocking: o.blocking ?? 0,
      total_blocking: o.blocking ?? 0,
    },
    sub_issues_summary: {
      total: o.sub_issues?.total ?? 0,
      completed: o.sub_issues?.completed ?? 0,
      percent_completed: o.sub_issues?.total
        ? Math.floor((o.sub_issues.completed * 100) / o.sub_issues.total)
        : 0,
    },
    parent_issue_url: o.parent ? `${base}/issues/${o.parent}` : null,
  });
  if (!o.pull_request) delete issue.pull_request;
  return issue;
}

export function milestonePayload(o: {
  number: number;
  title?: string;
  description?: string | null;
  state?: "open" | "closed";
  open_issues?: number;
  closed_issues?: number;
}): Json {
  return {
    ...example("milestone"),
    number: o.number,
    url: `${repoApi}/milestones/${o.number}`,
    html_url: `https://github.com/${OWNER}/${REPO}/milestone/${o.number}`,
    title: o.title ?? `Convoy ${o.number}`,
    description: o.description ?? null,
    state: o.state ?? "open",
    open_issues: o.open_issues ?? 0,
    closed_issues: o.closed_issues ?? 0,
    closed_at: o.state === "closed" ? "2026-01-03T00:00:00Z" : null,
  };
}

export function labelPayload(o: { name: string; color?: string; description?: string | null }): Json {
  return {
    ...example("label"),
    name: o.name,
    color: o.color ?? "ededed",
    description: o.description ?? null,
  };
}

export function commentPayload(o: {
  id: number;
  issue: number;
  body: string;
  login?: string;
  created_at?: string;
}): Json {
  const comment = example("issue-comment");
  return {
    ...comment,
    id: o.id,
    body: o.body,
    issue_url: `${repoApi}/issues/${o.issue}`,
    html_url: `https://github.com/${OWNER}/${REPO}/issues/${o.issue}#issuecomment-${o.id}`,
    user: { ...(comment.user as Json), login: o.login ?? "octocat" },
    created_at: o.created_at ?? "2026-01-01T00:00:00Z",
    updated_at: o.created_at ?? "2026-01-01T00:00:00Z",
  };
}

export function gitTagPayload(o: { sha: string; message: string; object: string }): Json {
  const tag = example("git-tag");
  return {
    ...tag,
    sha: o.sha,
    message: o.message,
    object: { ...(tag.object as Json), type: "commit", sha: o.object },
  };
}

export function gitRefPayload(o: { ref: string; sha: string; type?: string }): Json {
  const ref = example("git-ref");
  return { ...ref, ref: o.ref, object: { ...(ref.object as Json), type: o.type ?? "tag", sha: o.sha } };
}

/** A GitHub `Link` header for page `page` of `last`. */
export function linkHeader(path: string, page: number, last: number): string {
  const link = (p: number, rel: string) =>
    `<${API}${path}${path.includes("?") ? "&" : "?"}page=${p}>; rel="${rel}"`;
  const parts: string[] = [];
  if (page < last) parts.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) parts.push(link(1, "first"), link(page - 1, "prev"));
  return parts.join(", ");
}
