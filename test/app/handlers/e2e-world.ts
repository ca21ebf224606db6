// A loopback GitHub with the app behind Probot's node middleware: the sim signs and delivers real
// webhooks to it, and the app acts back on the sim with an installation token. People act through
// their own tokens (`as`).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { pino } from "pino";
import { Probot, ProbotOctokit, createNodeMiddleware } from "probot";
import { vi } from "vitest";
import { createGastownApp } from "../../../src/app/index.ts";
import { createOctokit, type GitHubClient } from "../../../src/github/octokit.ts";
import type { SimRepo } from "../../../src/sim/index.ts";
import type { TownContext } from "../../../src/town/context.ts";
import { startTestSim, type TestSim } from "../../helpers/sim.ts";

const SECRET = "test-webhook-secret";
export const QUICK = [process.execPath, "-e", "process.exit(0)"];
export const LONG = [process.execPath, "-e", "setTimeout(() => {}, 60000)"];

export interface World {
  sim: TestSim;
  repo: SimRepo;
  server: Server;
  /** The app's view (installation token). */
  town: TownContext;
  /** A client acting as a person. */
  as(login: string): GitHubClient;
  stop(): Promise<void>;
}

export async function startWorld(
  options: { files?: Record<string, string>; workflow?: string[] } = {},
): Promise<World> {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  const sim = await startTestSim();
  const repo = await sim.createRepo({
    owner: "acme",
    name: "rig",
    files: { "README.md": "# rig\n", ...options.files },
  });
  sim.registerWorkflow(repo, { path: "polecat.yml", command: options.workflow ?? QUICK });
  sim.setPermission(repo, "alice", "write");
  sim.setPermission(repo, "rita", "read");
  const token = sim.token({ kind: "installation" });
  const probot = new Probot({
    githubToken: token,
    secret: SECRET,
    log: pino({ level: process.env.APP_TEST_LOG ?? "silent" }),
    // A function, so it applies after Probot's own defaults (which switch throttling on).
    Octokit: ProbotOctokit.defaults((instance: Record<string, unknown>) => ({
      ...instance,
      baseUrl: sim.url,
      throttle: { ...(instance.throttle as object | undefined), enabled: false },
      retry: { enabled: false },
    })),
  });
  const middleware = await createNodeMiddleware(
    createGastownApp({ configTtlMs: 0, appLogin: "gastown[bot]" }),
    { probot },
  );
  const server = createServer((req, res) => {
    void middleware(req, res, () => {
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  sim.addAppHook({ url: `http://127.0.0.1:${port}/api/github/webhooks`, secret: SECRET });
  const client = (auth: string) => createOctokit({ baseUrl: sim.url, auth, retry: false, throttle: false });
  return {
    sim,
    repo,
    server,
    town: { octokit: client(token), repo: { owner: "acme", repo: "rig" } },
    as: (login) => client(sim.token({ kind: "user", login })),
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sim.stop();
      nock.enableNetConnect();
    },
  };
}

export async function openIssue(world: World, title: string, body?: string): Promise<number> {
  const { data } = await world
    .as("alice")
    .rest.issues.create({ owner: "acme", repo: "rig", title, ...(body === undefined ? {} : { body }) });
  await world.sim.idle();
  return data.number;
}

/** Comments as `login`; waits for the sim to settle unless a long run would keep it busy. */
export async function comment(
  world: World,
  login: string,
  issue: number,
  body: string,
  settle = true,
): Promise<number> {
  const { data } = await world
    .as(login)
    .rest.issues.createComment({ owner: "acme", repo: "rig", issue_number: issue, body });
  if (settle) await world.sim.idle();
  return data.id;
}

export async function closeIssue(world: World, issue: number): Promise<void> {
  await world
    .as("alice")
    .rest.issues.update({ owner: "acme", repo: "rig", issue_number: issue, state: "closed" });
}

export async function botReplies(world: World, issue: number): Promise<string[]> {
  const { data } = await world.town.octokit.rest.issues.listComments({
    owner: "acme",
    repo: "rig",
    issue_number: issue,
    per_page: 100,
  });
  return data.filter((c) => c.user?.login === "gastown[bot]").map((c) => c.body ?? "");
}

/**
 * The bot's replies once there are `count` of them. Probot's middleware answers GitHub after 9 s
 * and lets a slower handler finish afterwards, so the sim going idle does not mean the reply exists.
 */
export async function awaitReplies(world: World, issue: number, count: number): Promise<string[]> {
  return vi.waitFor(
    async () => {
      const replies = await botReplies(world, issue);
      if (replies.length < count) throw new Error(`${replies.length} of ${count} replies so far`);
      return replies;
    },
    { timeout: 60_000, interval: 250 },
  );
}

/** Waits until `check` passes (state the app reaches after the sim went idle). */
export async function eventually<T>(check: () => Promise<T>): Promise<T> {
  return vi.waitFor(check, { timeout: 60_000, interval: 250 });
}
