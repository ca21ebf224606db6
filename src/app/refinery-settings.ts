// The refinery's settings from a rig's config: `.github/gastown.yml`'s `refinery` section, with
// the polecat settings it slings fix-up beads with. Shared by the app and `gt mq`.
import type { RefinerySettings } from "../town/refinery/index.ts";
import type { SlingSettings } from "../town/sling.ts";
import type { GastownConfig } from "./config/index.ts";

export function refinerySettingsOf(config: GastownConfig, sling: SlingSettings | null): RefinerySettings {
  const r = config.refinery;
  return {
    mode: r.mode,
    base: r.base_branch,
    staging: r.staging_branch,
    batchSize: r.batch_size,
    retryFlaky: r.retry_flaky,
    maxRetries: r.max_retries,
    requireReview: r.require_review,
    requiredChecks: r.required_checks,
    queueLabel: r.queue_label,
    timeoutMinutes: r.timeout_minutes,
    mergeMethod: r.merge_method,
    deleteMergedBranches: r.delete_merged_branches,
    sling,
    overseers: config.overseers,
  };
}
