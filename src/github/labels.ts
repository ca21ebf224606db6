// The repository's labels: list them, and apply a reconcile plan from `planLabels` (model/labels.ts),
// the kernel `gt doctor --fix` runs: desired vs actual → operations → apply, one by one, every
// failure kept and reported rather than ending green.
import type { GastownError } from "../model/errors.ts";
import {
  defaultTaxonomy,
  type LabelOperation,
  type LabelSpec,
  type PlanLabelsOptions,
  planLabels,
  taxonomyLabels,
  validateLabelName,
} from "../model/labels.ts";
import { callGitHub, repositoryNotFound, toGastownError } from "./errors.ts";
import { formatRepoRef, type GitHubContext } from "./octokit.ts";

/** Every label of the repository. */
export async function listLabels(gh: GitHubContext): Promise<LabelSpec[]> {
  const { octokit, repo } = gh;
  const labels = await callGitHub(
    { action: `list labels of ${formatRepoRef(repo)}`, notFound: repositoryNotFound(formatRepoRef(repo)) },
    () => octokit.paginate(octokit.rest.issues.listLabelsForRepo, { ...repo, per_page: 100 }),
  );
  return labels.map((label) => ({
    name: label.name,
    color: label.color,
    description: label.description ?? "",
  }));
}

export interface LabelPlanReport {
  applied: LabelOperation[];
  failed: Array<{ operation: LabelOperation; error: GastownError }>;
}

function describe(operation: LabelOperation): string {
  switch (operation.op) {
    case "create":
      return `create label "${operation.label.name}"`;
    case "update":
      return `update label "${operation.name}" (${operation.changes.join(", ")})`;
    case "delete":
      return `delete label "${operation.name}"`;
  }
}

async function applyOne(gh: GitHubContext, operation: LabelOperation): Promise<void> {
  const { octokit, repo } = gh;
  switch (operation.op) {
    case "create": {
      const problem = validateLabelName(operation.label.name);
      if (problem) throw problem;
      await octokit.rest.issues.createLabel({ ...repo, ...operation.label });
      return;
    }
    case "update": {
      const problem = validateLabelName(operation.label.name);
      if (problem) throw problem;
      await octokit.rest.issues.updateLabel({
        ...repo,
        name: operation.name,
        new_name: operation.label.name,
        color: operation.label.color,
        description: operation.label.description,
      });
      return;
    }
    case "delete":
      await octokit.rest.issues.deleteLabel({ ...repo, name: operation.name });
      return;
  }
}

/** Applies operations in order; a failure is recorded and the rest still run. */
export async function applyLabelPlan(
  gh: GitHubContext,
  operations: readonly LabelOperation[],
): Promise<LabelPlanReport> {
  const report: LabelPlanReport = { applied: [], failed: [] };
  for (const operation of operations) {
    try {
      await applyOne(gh, operation);
      report.applied.push(operation);
    } catch (error: unknown) {
      report.failed.push({
        operation,
        error: toGastownError(error, { action: `${describe(operation)} in ${formatRepoRef(gh.repo)}` }),
      });
    }
  }
  return report;
}

export interface ReconcileLabelsOptions extends PlanLabelsOptions {
  /** Default: the town's labels for the context's taxonomy. */
  desired?: readonly LabelSpec[];
  /** Plan only. */
  dryRun?: boolean;
}

/** Gather → decide → apply for labels. With `dryRun`, nothing is written. */
export async function reconcileLabels(
  gh: GitHubContext,
  options: ReconcileLabelsOptions = {},
): Promise<{ operations: LabelOperation[]; report: LabelPlanReport }> {
  const desired = options.desired ?? taxonomyLabels(gh.taxonomy ?? defaultTaxonomy);
  const actual = await listLabels(gh);
  const operations = planLabels(desired, actual, options.prune === undefined ? {} : { prune: options.prune });
  if (options.dryRun) return { operations, report: { applied: [], failed: [] } };
  return { operations, report: await applyLabelPlan(gh, operations) };
}
