// `gt doctor`'s refinery check: read the repo's workflow files and say whether CI runs where the
// refinery needs it (see model/merge-queue/ci-coverage.ts).
import { parse } from "yaml";
import { listRepoDirectory, readRepoFile } from "../../github/contents.ts";
import {
  checkCiCoverage,
  type CiCoverage,
  type WorkflowTriggers,
} from "../../model/merge-queue/ci-coverage.ts";
import type { TownContext } from "../context.ts";
import { resolveBase } from "./gather.ts";
import type { RefinerySettings } from "./settings.ts";

/** Whether the repo's workflows test what the refinery's mode needs tested. */
export async function checkRefineryCi(town: TownContext, settings: RefinerySettings): Promise<CiCoverage> {
  const base = await resolveBase(town, settings);
  const entries = (await listRepoDirectory(town, { path: ".github/workflows", ref: base })) ?? [];
  const workflows: WorkflowTriggers[] = [];
  for (const entry of entries) {
    if (entry.type !== "file" || !/\.ya?ml$/.test(entry.name)) continue;
    const file = await readRepoFile(town, { path: entry.path, ref: base });
    if (!file) continue;
    try {
      const doc = parse(file.text) as { on?: unknown; true?: unknown } | null;
      // YAML 1.1 readers turn a bare `on:` key into `true`; accept both.
      workflows.push({ path: entry.path, on: doc?.on ?? doc?.true ?? null });
    } catch {
      // A workflow GitHub cannot read runs nothing; it simply does not count.
    }
  }
  return checkCiCoverage({ workflows, mode: settings.mode, staging: settings.staging, base });
}
