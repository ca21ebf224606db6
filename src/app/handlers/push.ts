// `push` to the default branch that touches `.github/gastown.yml`: the config is read again at
// once (not when the cached read expires) and its verdict goes on the pushed commit as the
// "Gas Town config" check: the problems with file:line:column and the fix, or a pass. This is
// where whoever broke the file looks first. Other pushes change nothing here.
import type { Context } from "probot";
import {
  createGitHubConfigReader,
  CONFIG_PATH,
  loadConfig,
  resolveConfig,
  toLabelTaxonomy,
} from "../config/index.ts";
import { reportConfigProblem } from "../config-report.ts";
import { type AppRuntime, clientOf, loggerOf, repoOf } from "../runtime.ts";

interface PushPayload {
  ref: string;
  after: string;
  deleted?: boolean;
  repository: { default_branch?: string };
  commits?: Array<{ added?: string[]; modified?: string[]; removed?: string[] }>;
  head_commit?: { added?: string[]; modified?: string[]; removed?: string[] } | null;
}

/** True when the push changed the config file. */
export function touchesConfig(payload: PushPayload): boolean {
  const commits = [...(payload.commits ?? []), ...(payload.head_commit ? [payload.head_commit] : [])];
  return commits.some((commit) =>
    [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])].includes(CONFIG_PATH),
  );
}

export async function handlePush(runtime: AppRuntime, context: Context): Promise<void> {
  const payload = context.payload as unknown as PushPayload;
  const branch = payload.repository.default_branch;
  if (payload.deleted || branch === undefined || payload.ref !== `refs/heads/${branch}`) return;
  if (!touchesConfig(payload)) return;
  const repo = repoOf(context);
  const octokit = clientOf(context);
  const log = loggerOf(context);
  runtime.configs.invalidate(repo);
  const resolution = await resolveConfig({
    cache: runtime.configs,
    repo,
    load: () => loadConfig({ repo, read: createGitHubConfigReader(octokit) }),
    log,
  });
  // The refinery's handler of the same push reads this resolution, not the file again.
  runtime.deliveryConfigs.set(context.id, resolution);
  runtime.heads.set(`${repo.owner}/${repo.repo}`.toLowerCase(), payload.after);
  await reportConfigProblem({
    town: { octokit, repo, taxonomy: toLabelTaxonomy(resolution.config.labels), log },
    resolution,
    sha: () => Promise.resolve(payload.after),
    confirmValid: true,
  });
}
