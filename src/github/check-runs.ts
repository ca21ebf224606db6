// Check runs the town writes and reads back by name: the config check, which tells maintainers on
// the default branch's head that `.github/gastown.yml` is wrong (or fixed), and (through
// checks.ts) the refinery's status on pull requests.
import { callGitHub } from "./errors.ts";
import { formatRepoRef, type GitHubContext } from "./octokit.ts";

/** A completed check run as the town reads it back. */
export interface CheckRunSummary {
  id: number;
  title: string;
  status: string;
  conclusion: string | null;
}

/** The check runs named `name` on `sha`, newest first (one request; a commit rarely has many). */
export async function listCheckRunsNamed(
  gh: GitHubContext,
  params: { sha: string; name: string },
): Promise<CheckRunSummary[]> {
  const { octokit, repo } = gh;
  const { data } = await callGitHub(
    { action: `read the "${params.name}" checks on ${params.sha.slice(0, 7)} in ${formatRepoRef(repo)}` },
    () =>
      octokit.rest.checks.listForRef({ ...repo, ref: params.sha, check_name: params.name, per_page: 100 }),
  );
  return data.check_runs
    .map((run) => ({
      id: run.id,
      title: run.output?.title ?? "",
      status: run.status,
      conclusion: run.conclusion,
    }))
    .sort((a, b) => b.id - a.id);
}

/** Creates a completed check run on `sha`; returns its id. */
export async function createCompletedCheckRun(
  gh: GitHubContext,
  params: {
    sha: string;
    name: string;
    conclusion: "success" | "failure" | "neutral";
    title: string;
    summary: string;
  },
): Promise<number> {
  const { octokit, repo } = gh;
  const { data } = await callGitHub(
    { action: `report "${params.name}" on ${params.sha.slice(0, 7)} in ${formatRepoRef(repo)}` },
    () =>
      octokit.rest.checks.create({
        ...repo,
        name: params.name,
        head_sha: params.sha,
        status: "completed",
        conclusion: params.conclusion,
        completed_at: new Date().toISOString(),
        output: { title: params.title.slice(0, 255), summary: params.summary.slice(0, 65_535) },
      }),
  );
  return data.id;
}
