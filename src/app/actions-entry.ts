// The app as a GitHub Actions workflow (DESIGN §7, "Actions only"): the same app function, fed
// the one event that started the job. This is the runtime's one boundary module: it alone reads
// `GITHUB_*`, builds Probot on the job's token, and hands the event to `probot.receive`. A
// scheduled (or manually started) run is a patrol (patrol.ts). `pull_request_target` (how the
// workflow sees pull requests from forks too) is handed over as the `pull_request` it is. Events
// made with the workflow's own GITHUB_TOKEN start no workflows, so set GASTOWN_TOKEN to an app
// token (README: "Running without a server").
import { readFile } from "node:fs/promises";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { parseRepoRef } from "../github/octokit.ts";
import { createGastownApp } from "./index.ts";
import { patrol } from "./patrol.ts";

/** What the job's environment says, read once. */
export interface ActionsEnvironment {
  event: string;
  eventPath: string;
  token: string;
  apiUrl: string;
  deliveryId: string;
  repository: string;
  appLogin: string;
}

/** Reads the job's environment; fails with what to set when something is missing. */
export function readActionsEnvironment(env: NodeJS.ProcessEnv): ActionsEnvironment {
  const token = env.GASTOWN_TOKEN || env.GITHUB_TOKEN || "";
  const missing = [
    ...(env.GITHUB_EVENT_NAME ? [] : ["GITHUB_EVENT_NAME"]),
    ...(env.GITHUB_EVENT_PATH ? [] : ["GITHUB_EVENT_PATH"]),
    ...(env.GITHUB_REPOSITORY ? [] : ["GITHUB_REPOSITORY"]),
    ...(token ? [] : ["GASTOWN_TOKEN or GITHUB_TOKEN"]),
  ];
  if (missing.length > 0) {
    throw new Error(
      `The Gas Town workflow needs ${missing.join(", ")} in its environment. Run it from a workflow step with env: GASTOWN_TOKEN: \${{ secrets.GASTOWN_TOKEN }}.`,
    );
  }
  const event = env.GITHUB_EVENT_NAME as string;
  return {
    event: event === "pull_request_target" ? "pull_request" : event,
    eventPath: env.GITHUB_EVENT_PATH as string,
    token,
    apiUrl: (env.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, ""),
    deliveryId: `${env.GITHUB_RUN_ID ?? "local"}-${env.GITHUB_RUN_ATTEMPT ?? "1"}`,
    repository: env.GITHUB_REPOSITORY as string,
    appLogin: env.GASTOWN_APP_LOGIN || "github-actions[bot]",
  };
}

/** Runs the app on the job's event. */
export async function runInActions(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const log = pino({ level: env.LOG_LEVEL || "info" });
  const actions = readActionsEnvironment(env);
  const probot = new Probot({
    githubToken: actions.token,
    log,
    Octokit: ProbotOctokit.defaults((instance: Record<string, unknown>) => ({
      ...instance,
      baseUrl: actions.apiUrl,
    })),
  });
  const payload: unknown = JSON.parse(await readFile(actions.eventPath, "utf8"));
  if (actions.event === "schedule" || actions.event === "workflow_dispatch") {
    const repo = parseRepoRef(actions.repository);
    if (!repo) throw new Error(`GITHUB_REPOSITORY is "${actions.repository}", not owner/name.`);
    const octokit = new ProbotOctokit({ auth: { token: actions.token }, baseUrl: actions.apiUrl, log });
    await patrol({ octokit, repo, log });
    return;
  }
  await probot.load(createGastownApp({ appLogin: actions.appLogin }));
  await probot.receive({
    id: actions.deliveryId,
    name: actions.event,
    payload,
  } as Parameters<Probot["receive"]>[0]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runInActions().catch((error: unknown) => {
    process.stderr.write(`::error::${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
