// `gt mq`: the refinery's merge queue from a terminal — list it, ask where one pull request
// stands, put one back (retry), take one out (remove), run a tick by hand, or reset a damaged
// state. The queue's settings come from the repository's .github/gastown.yml, as the app reads it.
import type { Command } from "commander";
import { createGitHubConfigReader, loadConfig } from "../app/config/index.ts";
import { refinerySettingsOf } from "../app/refinery-settings.ts";
import { slingSettingsOf } from "../app/runtime.ts";
import type { TownContext } from "../town/context.ts";
import {
  dequeuePull,
  pullStanding,
  type QueueView,
  queuePull,
  RefineryRuntime,
  type RefinerySettings,
  resetQueue,
  type TickReport,
  tickRefinery,
  viewQueue,
} from "../town/refinery/index.ts";
import { parsePositive, UsageError } from "./args.ts";
import { selfAddress } from "./gt-convoy.ts";
import type { Runtime } from "./runtime.ts";
import type { Style } from "./text.ts";

/** The refinery's settings from the repository's .github/gastown.yml (defaults without one). */
export async function refinerySettingsFor(town: TownContext): Promise<RefinerySettings> {
  const loaded = await loadConfig({ repo: town.repo, read: createGitHubConfigReader(town.octokit) });
  if (!loaded.ok) throw loaded.error;
  const { config } = loaded.value;
  return refinerySettingsOf(config, slingSettingsOf(config));
}

const short = (sha: string | null | undefined) => (sha ? sha.slice(0, 7) : "");

/** The queue as lines: under test, waiting (in order), recently gone. */
export function queueLines(view: QueueView, style: Style): string[] {
  const lines = [style.bold(`Merge queue into ${view.base} (${view.mode} mode)`)];
  if (view.testing.prs.length > 0) {
    const what = view.testing.bisecting ? "bisecting" : "testing";
    const where = view.testing.sha ? ` on ${short(view.testing.sha)}` : "";
    lines.push(`${style.yellow(what)} ${view.testing.prs.map((n) => `#${n}`).join(" ")}${where}`);
  }
  if (view.entries.length === 0) lines.push(style.dim("nothing queued"));
  for (const entry of view.entries) {
    const mark = entry.testing ? style.yellow("testing") : `${entry.position}.`;
    lines.push(
      `  ${mark} #${entry.pr} P${entry.priority} ${style.dim(short(entry.headSha))} ${style.dim(entry.explanation)}`,
    );
  }
  if (view.parked.length > 0) {
    lines.push(style.bold("Left the queue"));
    for (const parked of view.parked) {
      const reason = [...view.history]
        .reverse()
        .find((h) => h.pr === parked.pr && h.outcome === "removed")?.reason;
      lines.push(`  #${parked.pr} ${style.red(reason ?? parked.cause)}`);
    }
  }
  const landed = view.history.filter((h) => h.outcome === "merged").slice(-5);
  if (landed.length > 0) {
    lines.push(style.bold("Recently landed"));
    for (const item of landed)
      lines.push(`  #${item.pr} ${style.green(`merged in ${short(item.sha)}`)} ${style.dim(item.at)}`);
  }
  return lines;
}

function tickLines(report: TickReport, style: Style): string[] {
  const lines: string[] = [];
  for (const m of report.merged) lines.push(style.green(`#${m.pr} merged in ${short(m.sha)}`));
  for (const r of report.removed) lines.push(style.red(`#${r.pr} left the queue (${r.cause.kind})`));
  for (const n of report.notQueued) lines.push(`#${n.pr} cannot enter: ${n.reasons.join("; ")}`);
  if (report.testing.prs.length > 0) {
    lines.push(
      `testing ${report.testing.prs.map((n) => `#${n}`).join(" ")}${report.testing.sha ? ` on ${short(report.testing.sha)}` : ""}`,
    );
  }
  lines.push(style.dim(`${report.queued} queued`));
  return lines;
}

/** Adds `gt mq`. */
export function registerMqCommands(program: Command, rt: Runtime): void {
  const mq = program
    .command("mq")
    .description("the refinery's merge queue: list, status, retry, remove, tick");
  const who = () => selfAddress(rt.host) ?? rt.host.env.USER ?? "cli";

  mq.command("list", { isDefault: true })
    .description("the queue in merge order, what is under test, what left and what landed")
    .option("--json", "print as JSON")
    .action(async (options, command: Command) => {
      const { town } = await rt.context(command);
      const view = await viewQueue(town, { settings: await refinerySettingsFor(town) });
      if (options.json) return rt.printJson(view);
      for (const line of queueLines(view, rt.style)) rt.print(line);
    });

  mq.command("status")
    .description("where one pull request stands in the queue")
    .argument("<pr>", "the pull request number")
    .option("--json", "print as JSON")
    .action(async (pr: string, options, command: Command) => {
      const number = parsePositive(pr.replace(/^#/, ""), "<pr>");
      const { town } = await rt.context(command);
      const standing = await pullStanding(town, { settings: await refinerySettingsFor(town), pr: number });
      if (options.json) return rt.printJson(standing);
      switch (standing.kind) {
        case "queued":
          rt.print(
            standing.listing.testing
              ? `#${number} is being tested`
              : `#${number} is queued at position ${standing.listing.position}: ${standing.listing.explanation}`,
          );
          return;
        case "parked":
          rt.print(`#${number} left the queue: ${standing.last?.reason ?? standing.parked.cause}`);
          return;
        case "merged":
          rt.print(`#${number} landed in ${short(standing.last.sha)}`);
          return;
        case "unknown":
          rt.print(`#${number} is not in the queue. Mark it with /queue (or gt mq retry ${number}).`);
          rt.exitCode = 1;
      }
    });

  mq.command("retry")
    .description("put a pull request (back) in the queue, even at the head it left with")
    .argument("<pr>", "the pull request number")
    .option("-p, --priority <n>", "queue priority 0 (first) … 4")
    .option("--json", "print the tick's report as JSON")
    .action(async (pr: string, options, command: Command) => {
      const number = parsePositive(pr.replace(/^#/, ""), "<pr>");
      const priority =
        options.priority === undefined
          ? null
          : (parsePriority(options.priority as string) as 0 | 1 | 2 | 3 | 4);
      const { town } = await rt.context(command);
      const report = await queuePull(town, {
        settings: await refinerySettingsFor(town),
        runtime: new RefineryRuntime(),
        pr: number,
        by: who(),
        priority,
      });
      if (options.json) return rt.printJson(report);
      for (const line of tickLines(report, rt.style)) rt.print(line);
    });

  mq.command("remove")
    .description("take a pull request out of the queue (it stays out until queued again)")
    .argument("<pr>", "the pull request number")
    .option("--json", "print the tick's report as JSON")
    .action(async (pr: string, options, command: Command) => {
      const number = parsePositive(pr.replace(/^#/, ""), "<pr>");
      const { town } = await rt.context(command);
      const report = await dequeuePull(town, {
        settings: await refinerySettingsFor(town),
        runtime: new RefineryRuntime(),
        pr: number,
        by: who(),
      });
      if (options.json) return rt.printJson(report);
      rt.print(`#${number} is out of the queue.`);
      for (const line of tickLines(report, rt.style)) rt.print(line);
    });

  mq.command("tick")
    .description("run the refinery once: square the queue, land what passed, test what is next")
    .option("--json", "print the report as JSON")
    .action(async (options, command: Command) => {
      const { town } = await rt.context(command);
      const report = await tickRefinery(town, {
        settings: await refinerySettingsFor(town),
        runtime: new RefineryRuntime(),
      });
      if (options.json) return rt.printJson(report);
      for (const line of tickLines(report, rt.style)) rt.print(line);
    });

  mq.command("reset")
    .description("forget the queue's state (marked pull requests enter again on the next tick)")
    .action(async (_options, command: Command) => {
      const { town } = await rt.context(command);
      const reset = await resetQueue(town, { settings: await refinerySettingsFor(town) });
      rt.print(reset ? "The merge queue's state was reset." : "There was no merge queue state to reset.");
    });
}

function parsePriority(text: string): number {
  const value = Number(text.replace(/^p/i, ""));
  if (text.trim() === "" || !Number.isInteger(value) || value < 0 || value > 4) {
    throw new UsageError(
      `"${text}" is not a queue priority.`,
      "Write 0 (goes first) to 4, like --priority 0.",
    );
  }
  return value;
}
