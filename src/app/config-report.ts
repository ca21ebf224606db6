// Where maintainers see an invalid `.github/gastown.yml` (DESIGN §5): a failing "Gas Town
// config" check run on the default branch's head (or on the pushed commit that changed the
// file), with every problem at file:line:column, the offending line and the fix; and, when a
// command brought the problem to light, a comment on that issue too. A check already on the
// commit with the same report is not repeated (the Actions runtime has no memory between runs).
// When the file is valid again, a passing check says so.
import { createComment } from "../github/comments.ts";
import { createCompletedCheckRun, listCheckRunsNamed } from "../github/check-runs.ts";
import type { TownContext } from "../town/context.ts";
import { logOf } from "../town/context.ts";
import { CONFIG_PATH, type ConfigResolution, renderConfigProblem } from "./config/index.ts";

/** The check run's name. */
export const CONFIG_CHECK_NAME = "Gas Town config";

export interface ReportConfigParams {
  town: TownContext;
  resolution: Pick<ConfigResolution, "problem" | "from" | "recovered">;
  /** The commit to report on (read lazily: only a report needs it). */
  sha: () => Promise<string>;
  /** The issue a command came from, to comment on as well. */
  reportOn?: number;
  /** Report a valid config too (a push that changed the file). */
  confirmValid?: boolean;
}

/** Reports the config's state (see the module comment); never throws: a report is best effort. */
export async function reportConfigProblem(params: ReportConfigParams): Promise<void> {
  const { town, resolution } = params;
  const log = logOf(town);
  try {
    if (!resolution.problem) {
      if (!resolution.recovered && !params.confirmValid) return;
      await createCompletedCheckRun(town, {
        sha: await params.sha(),
        name: CONFIG_CHECK_NAME,
        conclusion: "success",
        title: `${CONFIG_PATH} is valid`,
        summary: "The town runs on this configuration. Every setting is described in `docs/config.md`.",
      });
      return;
    }
    const report = renderConfigProblem({
      error: resolution.problem,
      fallback: resolution.from === "last-good" ? "last-good" : "defaults",
    });
    let fresh = true;
    try {
      const sha = await params.sha();
      const [latest] = await listCheckRunsNamed(town, { sha, name: CONFIG_CHECK_NAME });
      fresh = !(latest && latest.conclusion === "failure" && latest.title === report.title.slice(0, 255));
      if (fresh) {
        await createCompletedCheckRun(town, {
          sha,
          name: CONFIG_CHECK_NAME,
          conclusion: "failure",
          title: report.title,
          summary: report.body,
        });
      }
    } catch (error: unknown) {
      // No checks permission, an empty repository: the comment below still tells people.
      log.warn(
        { error: error instanceof Error ? error.message : String(error) },
        "config check run not written",
      );
    }
    if (fresh && params.reportOn !== undefined) {
      await createComment(town, { issue: params.reportOn, body: `**${report.title}**\n\n${report.body}` });
    }
  } catch (error: unknown) {
    log.warn(
      { error: error instanceof Error ? error.message : String(error) },
      "config problem not reported",
    );
  }
}
