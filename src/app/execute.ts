// Runs one allowed slash command against the town and says what came of it, in words for the
// reply. The work is in town/; this file only maps a command to a use case and its result to
// Markdown. `/queue` and `/dequeue` put a pull request in (or out of) the refinery's merge queue.
import { addSubIssue } from "../github/sub-issues.ts";
import { getBead } from "../github/issues.ts";
import { formatAddress } from "../model/address.ts";
import { GastownError } from "../model/errors.ts";
import { describeHolder } from "../model/hook.ts";
import type { TownContext } from "../town/context.ts";
import { feedConvoy, type FeedResult, setFeeding } from "../town/convoy-feed.ts";
import { addToConvoy, convoyStatus, createConvoy } from "../town/convoys.ts";
import { addDependency } from "../town/deps.ts";
import { cleanMentions, escalate } from "../town/escalate.ts";
import { githubFormulaSources } from "../town/formula-sources.ts";
import { showHook } from "../town/hooks.ts";
import { sendMail } from "../town/mail.ts";
import { cookNamedFormula, pourMolecule } from "../town/molecule/index.ts";
import { findReady } from "../town/ready.ts";
import { updateBead } from "../town/beads.ts";
import { dequeuePull, queuePull, RefineryRuntime } from "../town/refinery/index.ts";
import { type RepoHints, type SlingResult, sling, unsling } from "../town/sling.ts";
import type { Priority } from "../model/vocabulary.ts";
import { renderCommandHelp, renderHelp } from "./commands/index.ts";
import type { BeadRef } from "../model/bead-ref.ts";
import type { ConvoyCommand, EscalateCommand, SlashCommand } from "./commands/index.ts";
import type { GastownConfig } from "./config/index.ts";
import { describeQueued, describeQueueTick } from "./queue-replies.ts";
import { refinerySettingsOf } from "./refinery-settings.ts";
import { slingSettingsOf } from "./runtime.ts";

export interface ExecuteParams {
  town: TownContext;
  config: GastownConfig;
  command: SlashCommand;
  /** The issue (bead) the comment is on. */
  issue: number;
  /** Who wrote the command. */
  actor: string;
  /** What the runtime knows of the repository (saves reads when slinging). */
  hints?: RepoHints;
  /** The comment (or issue) the command came from, for links back to it. */
  link?: string;
  /** The refinery's memory in this process (`/queue`, `/dequeue`); a fresh one when absent. */
  refinery?: RefineryRuntime;
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
        settings,
        ...(target?.kind === "polecat" ? { polecat: target.name } : {}),
        ...(command.formula === null ? {} : { formula: command.formula }),
        vars: command.vars,
        force: command.force,
        by: params.actor,
        ...(params.hints === undefined ? {} : { hints: params.hints }),
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
    case "convoy":
      return executeConvoy(params, command);
    case "mail": {
      const sent = await sendMail(town, {
        from: { kind: "overseer" },
        to: command.to,
        subject: command.subject,
        body: `${command.body}\n\n— @${params.actor} on #${issue}`,
      });
      return `Mail sent to \`${formatAddress(command.to)}\`: [${command.subject}](${sent.message.url}).`;
    }
    case "pour": {
      const { proto } = await cookNamedFormula({
        ref: command.formula,
        sources: githubFormulaSources(town),
        vars: command.vars,
      });
      const result = await pourMolecule(town, { proto });
      const root = result.root.number;
      if (root !== issue)
        await addSubIssue(town, { parent: issue, child: { number: root, id: result.root.id } }).catch(
          (error: unknown) => {
            // Under another parent already (an earlier pour elsewhere): the molecule stands on its own.
            town.log?.warn(
              { molecule: root, error: error instanceof Error ? error.message : String(error) },
              "molecule not put under the bead",
            );
          },
        );
      const steps = Object.keys(result.steps).length;
      const gates = Object.keys(result.gates).length;
      const counts = `${steps} step${steps === 1 ? "" : "s"}${gates > 0 ? ` and ${gates} gate${gates === 1 ? "" : "s"}` : ""}`;
      return result.resumed
        ? `${command.formula} was poured before with these vars: molecule #${root} (${counts}); nothing was poured twice.`
        : `Poured ${command.formula} as molecule #${root}: ${counts}. \`/sling #${root}\` hands it to a polecat; \`/ready\` lists the steps that can start.`;
    }
    case "escalate":
      return executeEscalate(params, command);
    case "queue":
    case "dequeue":
      return executeQueue(params, command.name === "queue" ? command.priority : undefined);
  }
}

/** `/queue [p=N]` and `/dequeue` on a pull request: one refinery tick with the request. */
async function executeQueue(params: ExecuteParams, priority: Priority | null | undefined): Promise<string> {
  const { town, config, issue, actor } = params;
  const settings = {
    ...refinerySettingsOf(config, slingSettingsOf(config)),
    ...(config.refinery.base_branch === null && params.hints?.defaultBranch
      ? { base: params.hints.defaultBranch }
      : {}),
  };
  const runtime = params.refinery ?? new RefineryRuntime();
  const request = { settings, runtime, pr: issue, by: actor };
  if (priority === undefined) {
    const report = await dequeuePull(town, request);
    return `#${issue} is out of the merge queue and stays out until someone writes \`/queue\`.${describeQueueTick(report, issue)}`;
  }
  return describeQueued(await queuePull(town, { ...request, priority }), issue);
}

/** The humans an escalation @mentions: the config's overseers, else the bead's people. */
async function overseersFor(
  town: TownContext,
  config: GastownConfig,
  issue: number,
  actor: string,
): Promise<string[]> {
  if (config.overseers.length > 0) return cleanMentions(config.overseers);
  const bead = await getBead(town, issue);
  const slinger = bead.metadata.dispatchedBy ?? "";
  const people = cleanMentions([...bead.assignees, ...(/^@?[A-Za-z0-9-]+$/.test(slinger) ? [slinger] : [])]);
  const others = people.filter((login) => login.toLowerCase() !== actor.toLowerCase());
  // Nobody else to tell: the one escalating still gets the notification trail.
  return others.length > 0 ? others : [actor];
}

async function executeEscalate(params: ExecuteParams, command: EscalateCommand): Promise<string> {
  const { town, config, issue, actor } = params;
  const [first = "", ...rest] = command.text.split("\n");
  const overseers = await overseersFor(town, config, issue, actor);
  const result = await escalate(town, {
    severity: command.severity,
    description: first,
    ...(rest.join("\n").trim() === "" ? {} : { details: rest.join("\n") }),
    related: issue,
    from: { login: actor },
    overseers,
    ...(params.link === undefined ? {} : { link: params.link }),
  });
  const told =
    result.mentions.length > 0
      ? ` ${result.mentions.map((m) => `@${m}`).join(", ")} ${result.mentions.length === 1 ? "was" : "were"} notified.`
      : " It waits in the overseer's mailbox (low severity notifies nobody).";
  return `Escalated as #${result.escalation.number} (${command.severity}), with [mail to the overseer](${result.mail.message.url}).${told}`;
}

function describeFeed(result: FeedResult): string {
  if (result.sling) return ` Next up: ${describeSling(result.sling)}`;
  switch (result.plan.action === "none" ? result.plan.why : "manned") {
    case "manned":
      return " A bead of it is already being worked; the next is slung when that one closes.";
    case "nothing-ready":
      return " No bead of it is ready yet; the first to become ready is slung when a bead closes.";
    default:
      return "";
  }
}

/** The convoy of the bead commented on, or an error that says how to make one. */
async function convoyOf(town: TownContext, issue: number): Promise<number> {
  const bead = await getBead(town, issue);
  if (bead.milestone) return bead.milestone.number;
  throw new GastownError(`#${issue} is in no convoy.`, {
    code: "bad-input",
    hint: `Make one first: /convoy create "name" #${issue}.`,
  });
}

async function executeConvoy(params: ExecuteParams, command: ConvoyCommand): Promise<string> {
  const { town, issue, actor } = params;
  const settings = slingSettingsOf(params.config);
  const feed = (convoy: number) =>
    feedConvoy(town, { convoy, settings, ...(params.hints === undefined ? {} : { hints: params.hints }) });
  switch (command.action) {
    case "status": {
      const bead = await getBead(town, issue);
      if (!bead.milestone) return `#${issue} is in no convoy.`;
      const { convoy: read, progress } = await convoyStatus(town, { convoy: bead.milestone.number });
      const feeding = read.metadata.others?.feed === true ? " It feeds itself." : "";
      return `Convoy "${progress.title}": ${progress.closed}/${progress.total} closed (${progress.percent}%).${feeding}`;
    }
    case "create": {
      const beads =
        command.beads.length > 0 ? command.beads.map((ref) => beadNumber(town, ref, issue)) : [issue];
      const made = await createConvoy(town, {
        ...(command.title === null ? {} : { title: command.title }),
        beads,
        owner: actor,
        ...(command.notify.length > 0 ? { watchers: command.notify } : {}),
      });
      const number = made.convoy.number;
      const listed = made.beads.map((b) => `#${b.number}`).join(", ");
      const told = [actor, ...command.notify].map((login) => `@${login}`).join(", ");
      let text = `Convoy "${made.convoy.title}" (milestone ${number}) tracks ${listed || "no beads yet"}; ${told} will hear when it lands.`;
      if (command.feed) {
        await setFeeding(town, { convoy: number, feed: true, by: actor });
        text += ` It feeds itself, one bead at a time.${describeFeed(await feed(number))}`;
      }
      return text;
    }
    case "add": {
      const convoy = await convoyOf(town, issue);
      const added = await addToConvoy(town, {
        convoy,
        beads: command.beads.map((ref) => beadNumber(town, ref, issue)),
      });
      const listed = command.beads.map((ref) => `#${ref.number}`).join(", ");
      let text = `Added ${listed} to convoy "${added.convoy.title}".${added.reopened ? " It had landed, so it is open again and will land again." : ""}`;
      if (added.convoy.metadata.others?.feed === true) text += describeFeed(await feed(convoy));
      return text;
    }
    case "feed": {
      const convoy = await convoyOf(town, issue);
      const updated = await setFeeding(town, { convoy, feed: command.feed, by: actor });
      if (!command.feed)
        return `Convoy "${updated.title}" no longer feeds itself; running polecats carry on.`;
      return `Convoy "${updated.title}" feeds itself now, one bead at a time.${describeFeed(await feed(convoy))}`;
    }
  }
}
