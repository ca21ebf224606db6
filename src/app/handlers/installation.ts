// `installation.created` and `installation_repositories.added`: repositories join the town, so
// their labels are created (`gt doctor --fix`) with the names each one's config asks for.
import type { Context } from "probot";
import type { TownContext } from "../../town/context.ts";
import { runDoctor } from "../../town/doctor.ts";
import { createGitHubConfigReader, loadConfig, resolveConfig, toLabelTaxonomy } from "../config/index.ts";
import { type AppRuntime, clientOf, loggerOf } from "../runtime.ts";

interface InstallationPayload {
  action: string;
  /** `installation.created`: the repositories it was installed on (absent when "all"). */
  repositories?: Array<{ full_name: string }>;
  /** `installation_repositories.added`. */
  repositories_added?: Array<{ full_name: string }>;
}

async function setUp(runtime: AppRuntime, context: Context, names: readonly string[]): Promise<void> {
  const octokit = clientOf(context);
  const log = loggerOf(context);
  for (const fullName of names) {
    const [owner, name] = fullName.split("/");
    if (!owner || !name) continue;
    const repo = { owner, repo: name };
    try {
      const { config } = await resolveConfig({
        cache: runtime.configs,
        repo,
        load: () => loadConfig({ repo, read: createGitHubConfigReader(octokit) }),
        log,
      });
      const town: TownContext = { octokit, repo, taxonomy: toLabelTaxonomy(config.labels), log };
      const report = await runDoctor(town, { fix: true });
      log.info({ repo: fullName, checks: report.checks.length }, "new repository set up");
    } catch (error: unknown) {
      // One repository that cannot be set up (archived, issues off) does not stop the others.
      log.warn(
        { repo: fullName, error: error instanceof Error ? error.message : String(error) },
        "repository not set up",
      );
    }
  }
}

/** `installation_repositories.added`. */
export async function handleRepositoriesAdded(runtime: AppRuntime, context: Context): Promise<void> {
  const payload = context.payload as unknown as InstallationPayload;
  if (payload.action !== "added") return;
  await setUp(
    runtime,
    context,
    (payload.repositories_added ?? []).map((r) => r.full_name),
  );
}

/** `installation.created`. */
export async function handleInstallationCreated(runtime: AppRuntime, context: Context): Promise<void> {
  const payload = context.payload as unknown as InstallationPayload;
  if (payload.action !== "created") return;
  await setUp(
    runtime,
    context,
    (payload.repositories ?? []).map((r) => r.full_name),
  );
}
