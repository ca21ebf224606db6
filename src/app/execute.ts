// Runs one allowed slash command against the town and says what came of it, in words for the
// reply. The work is in town/; this file only maps a command to a use case and its result to
// Markdown. Commands the app does not run itself say where to run them instead.
import { getBead } from "../github/issues.ts";
import { GastownError } from "../model/errors.ts";
import { describeHolder } from "../model/hook.ts";
import type { TownContext } from "../town/context.ts";
import { convoyStatus } from "../town/convoys.ts";
import { addDependency } from "../town/deps.ts";
import { showHook } from "../town/hooks.ts";
import { findReady } from "../town/ready.ts";
import { updateBead } from "../town/beads.ts";
import { type SlingResult, sling, unsling } from "../town/sling.ts";
import { renderCommandHelp, renderHelp } from "./commands/index.ts";
import type { BeadRef } from "../model/bead-ref.ts";
import type { SlashCommand } from "./commands/index.ts";
import type { GastownConfig } from "./config/index.ts";
import { slingSettingsOf } from "./runtime.ts";

export interface ExecuteParams {
  town: TownContext;
  config: GastownConfig;
  command: SlashCommand;
  /** The issue (bead) the comment is on. */
  issue: number;
  /** Who wrote the command. */
  actor: string;
}

function beadNumber(town: TownContext, ref: BeadRef | null, issue: number): number {
  if (ref === null) return issue;
  const here = `${town.repo.owner}/${town.repo.repo}`.toLowerCase();
  if (ref.repo !== undefined && ref.repo.toLowerCase() !== here) {
    throw new GastownError(`#${ref.number} is in ${ref.repo}; commands here act on ${here}.`, {
      code: "bad-input",
      hint: `Comment on an issue in ${ref.repo} to command that rig.`,
    });
  }
  return ref.number;
}

/** The reply text for a sling. */
export function describeSling(result: SlingResult): string {
  const n = result.bead.number;
  switch (result.outcome) {
    case "dispatched": {
      const convoy = result.convoy === null ? "" : ` Convoy: milestone ${result.convoy}.`;
      return `Slung #${n} to **${result.polecat}** (attempt ${result.attempt}): [run ${result.run.id}](${result.run.htmlUrl}).${convoy}`;
    }
    case "queued":
      return `Every polecat slot is busy, so #${n} is queued (\`status/queued\`); it is slung when a run finishes.`;
    case "already-hooked":
      return result.holder
        ? `#${n} is already on a hook: ${describeHolder(result.holder)}. Nothing was changed.`
        : `#${n} is already claimed. Nothing was changed; \`/unsling\` releases it.`;
    case "not-ready":
      return `#${n} is not ready (${result.reasons.join("; ")}). Nothing was changed; \`/sling --force\` slings it anyway.`;
  }
}

/** Runs the command; the text says what happened (errors are thrown, for the caller to word). */
export async function executeCommand(params: ExecuteParams): Promise<string> {
  const { town, config, command, issue } = params;
  const settings = slingSettingsOf(config);
  switch (command.name) {
    case "help":
      return command.topic === null ? renderHelp() : renderCommandHelp(command.topic);
    case "sling": {
      const target = command.target;
      const bead = beadNumber(town, target?.kind === "bead" ? target.ref : null, issue);
      const result = await sling(town, {
        bead,
        settings: target?.kind === "polecat" ? { ...settings, names: [target.name] } : settings,
        ...(command.formula === null ? {} : { formula: command.formula }),
        vars: command.vars,
        force: command.force,
        by: params.actor,
      });
      return describeSling(result);
    }
    case "unsling": {
      const result = await unsling(town, { bead: beadNumber(town, command.bead, issue), settings });
      const run = result.cancelledRun === null ? "" : ` Run ${result.cancelledRun} was cancelled.`;
      return result.released
        ? `Released #${result.bead.number} from its hook.${run} Its branch is kept, so a later \`/sling\` resumes the work.`
        : `#${result.bead.number} was on no hook; nothing to release.`;
    }
    case "hook": {
      const entry = await showHook(town, { bead: beadNumber(town, command.bead, issue) });
      if (!entry.claim.held) return `#${entry.number} is on no hook.`;
      return entry.claim.holder
        ? `#${entry.number} is held by ${describeHolder(entry.claim.holder)}.`
        : `#${entry.number} is claimed, but the claim's record cannot be read.`;
    }
    case "ready": {
      const { ready } = await findReady(town);
      if (ready.length === 0) return "No bead is ready.";
      const shown = ready.slice(0, 20).map((b) => `- #${b.number} (p${b.priority}) ${b.title}`);
      const more = ready.length > shown.length ? [`- … and ${ready.length - shown.length} more`] : [];
      return [`${ready.length} ready:`, ...shown, ...more].join("\n");
    }
    case "status": {
      const bead = await getBead(town, issue);
      const parts = [`#${bead.number} is ${bead.status.replace("_", " ")}, priority p${bead.priority}`];
      if (bead.metadata.polecat) parts.push(`held by ${bead.metadata.polecat}`);
      if (bead.metadata.run !== undefined) parts.push(`run ${bead.metadata.run}`);
      if (bead.milestone) parts.push(`convoy "${bead.milestone.title}"`);
      if (bead.dependencies.blockedBy > 0)
        parts.push(`blocked by ${bead.dependencies.blockedBy} open bead(s)`);
      return `${parts.join(", ")}.`;
    }
    case "priority": {
      const bead = await updateBead(town, { number: issue, priority: command.priority });
      return `#${bead.number} is now priority p${bead.priority}.`;
    }
    case "blocked-by": {
      const lines: string[] = [];
      for (const blocker of command.blockers) {
        await addDependency(town, { blocked: issue, blocker: beadNumber(town, blocker, issue) });
        lines.push(`#${issue} is now blocked by #${blocker.number}.`);
      }
      return lines.join("\n");
    }
    case "convoy": {
      if (command.action !== "status") break;
      const bead = await getBead(town, issue);
      if (!bead.milestone) return `#${issue} is in no convoy.`;
      const { progress } = await convoyStatus(town, { convoy: bead.milestone.number });
      return `Convoy "${progress.title}": ${progress.closed}/${progress.total} closed (${progress.percent}%).`;
    }
    default:
      break;
  }
  const what = command.name === "convoy" ? `/convoy ${command.action}` : `/${command.name}`;
  throw new GastownError(`\`${what}\` is not run by the app in this version.`, {
    code: "bad-input",
    hint: "Run the same operation with the gt or bd command line for now.",
  });
}
