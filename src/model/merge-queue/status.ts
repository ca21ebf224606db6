// The refinery's status in one place per PR (issue 7): a `gastown/refinery` check run whose title
// is one short line, and one sticky comment, found again by its hidden marker and edited in place.
import { describeRemovalDetails, type RemovalCause, describeRemoval } from "./removal.ts";

export const REFINERY_CHECK_NAME = "gastown/refinery";
const STICKY_TAG = "gastown-refinery";

/** Where a PR stands in the refinery. */
export type QueueStatus =
  | { kind: "queued"; position: number; explanation?: string }
  | { kind: "testing"; prs: readonly number[]; sha?: string; bisecting?: boolean }
  | { kind: "merged"; sha: string }
  | { kind: "removed"; cause: RemovalCause }
  | { kind: "not-queued"; reasons: ReadonlyArray<{ message: string; fix: string }> };

/** The check run to create or update on the PR's head. */
export interface CheckRunView {
  name: typeof REFINERY_CHECK_NAME;
  status: "queued" | "in_progress" | "completed";
  conclusion?: "success" | "failure" | "neutral";
  title: string;
  summary: string;
}

const short = (sha: string) => sha.slice(0, 7);
const refs = (prs: readonly number[]) => prs.map((n) => `#${n}`).join(" ");

/** The check run's one-line title. */
export function renderStatusTitle(status: QueueStatus): string {
  switch (status.kind) {
    case "queued":
      return `queued, position ${status.position}`;
    case "testing":
      return `${status.bisecting ? "bisecting, testing" : "testing"} with ${refs(status.prs)}`;
    case "merged":
      return `merged in ${short(status.sha)}`;
    case "removed":
      return `removed: ${describeRemoval(status.cause)}`;
    case "not-queued":
      return `not queued: ${status.reasons.map((r) => r.message).join("; ")}`;
  }
}

function summaryLines(status: QueueStatus): string[] {
  switch (status.kind) {
    case "queued":
      return [
        `Waiting in the merge queue at position ${status.position}.`,
        ...(status.explanation ? ["", `Why here: ${status.explanation}.`] : []),
        "",
        "Comment `/dequeue` to leave the queue.",
      ];
    case "testing":
      return [
        status.sha
          ? `Testing ${refs(status.prs)} together on staging at ${short(status.sha)}.`
          : `Building staging with ${refs(status.prs)}.`,
        ...(status.bisecting ? ["", "A batch failed; the refinery is finding which PR broke it."] : []),
        "",
        "The base moves only when every required check passes on that exact commit.",
      ];
    case "merged":
      return [`The base branch was fast-forwarded to ${short(status.sha)}, which contains this PR.`];
    case "removed": {
      const details = describeRemovalDetails(status.cause);
      return [
        `Left the merge queue: ${describeRemoval(status.cause)}.`,
        ...(details.length ? ["", ...details] : []),
      ];
    }
    case "not-queued":
      return [
        "This pull request cannot join the merge queue yet:",
        "",
        ...status.reasons.map((r) => `- ${r.message}: ${r.fix}`),
      ];
  }
}

/** The `gastown/refinery` check run for `status`. */
export function renderCheckRun(status: QueueStatus): CheckRunView {
  const title = renderStatusTitle(status);
  const summary = summaryLines(status).join("\n");
  const base = { name: REFINERY_CHECK_NAME, title, summary } as const;
  switch (status.kind) {
    case "queued":
      return { ...base, status: "queued" };
    case "testing":
      return { ...base, status: "in_progress" };
    case "merged":
      return { ...base, status: "completed", conclusion: "success" };
    case "removed":
      return { ...base, status: "completed", conclusion: "failure" };
    case "not-queued":
      return { ...base, status: "completed", conclusion: "neutral" };
  }
}

/**
 * The sticky comment's body: a headline, the details, and the hidden marker it is found by. A
 * queued PR's comment leaves its position to the check run, so the comment is not edited every
 * time the queue ahead of it moves.
 */
export function renderStickyComment(input: { pr: number; status: QueueStatus }): string {
  const { status } = input;
  const headline = status.kind === "queued" ? "queued" : renderStatusTitle(status);
  const lines =
    status.kind === "queued"
      ? [
          "Waiting in the merge queue; the `gastown/refinery` check shows its position.",
          "",
          "Comment `/dequeue` to leave the queue.",
        ]
      : summaryLines(status);
  return [
    `**Refinery:** ${headline}`,
    "",
    ...lines,
    "",
    `<!-- ${STICKY_TAG} ${JSON.stringify({ v: 1, pr: input.pr })} -->`,
  ].join("\n");
}

const STICKY_MARKER = new RegExp(`<!--\\s*${STICKY_TAG}\\s+(\\{[^}]*\\})\\s*-->`);

/** True when `body` is the refinery's sticky comment for `pr`. */
export function isStickyComment(body: string | null | undefined, pr: number): boolean {
  const match = STICKY_MARKER.exec(body ?? "");
  if (!match) return false;
  try {
    const value: unknown = JSON.parse(match[1] ?? "");
    return typeof value === "object" && value !== null && (value as { pr?: unknown }).pr === pr;
  } catch {
    return false;
  }
}

/** The comment to edit in place (the oldest sticky one by `author`), or null to create one. */
export function findStickyComment<C extends { id: number; body?: string | null; author: string }>(input: {
  comments: readonly C[];
  pr: number;
  author: string;
}): C | null {
  return input.comments.find((c) => c.author === input.author && isStickyComment(c.body, input.pr)) ?? null;
}

/** Write only on change: the sticky comment needs an edit when its body differs. */
export function planStickyComment(input: {
  existing: { id: number; body?: string | null } | null;
  body: string;
}): { kind: "create"; body: string } | { kind: "update"; id: number; body: string } | { kind: "none" } {
  if (!input.existing) return { kind: "create", body: input.body };
  if (input.existing.body === input.body) return { kind: "none" };
  return { kind: "update", id: input.existing.id, body: input.body };
}
