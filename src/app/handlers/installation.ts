// `installation_repositories.added`: a repository joins the town, so its labels are created
// (`gt doctor --fix`) with the names its config asks for.
import type { Context } from "probot";
import type { TownContext } from "../../town/context.ts";
import { runDoctor } from "../../town/doctor.ts";
import { createGitHubConfigReader, loadConfig, resolveConfig, toLabelTaxonomy } from "../config/index.ts";
import { type AppRuntime, clientOf, loggerOf } from "../runtime.ts";

interface AddedPayload {
  action: string;
  repositories_added?: Array<{ full_name: string }>;
}

export async function handleRepositoriesAdded(runtime: AppRuntime, context: Context): Promise<void> {
  const payload = context.payload as unknown as AddedPayload;
  if (payload.action !== "added") return;
  const octokit = clientOf(context);
  const log = loggerOf(context);
  for (const added of payload.repositories_added ?? []) {
    const [owner, name] = added.full_name.split("/");
    if (!owner || !name) continue;
    const repo = { owner, repo: name };
    const { config } = await resolveConfig({
      cache: runtime.configs,
      repo,
      load: () => loadConfig({ repo, read: createGitHubConfigReader(octokit) }),
      log,
    });
    const town: TownContext = { octokit, repo, taxonomy: toLabelTaxonomy(config.labels), log };
    const report = await runDoctor(town, { fix: true });
    log.info({ repo: added.full_name, checks: report.checks.length }, "new repository set up");
  }
}
