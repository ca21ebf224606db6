// A repo on the loopback GitHub with a few people, Octokits for each, a recorder of every event
// the sim emits, and a way to commit to a branch exactly as a push would (the ref moves, then the
// sim's branch-movement effects run). Used by the pulls, reviews, checks, statuses, effects and
// CI tests.
import { Octokit } from "@octokit/rest";
import type { Principal } from "../../src/sim/auth.ts";
import { commitFiles, deleteRef, resolveRef, updateRef, ZERO } from "../../src/sim/git.ts";
import type { SimRepo } from "../../src/sim/index.ts";
import { identityOf } from "../../src/sim/shapes-git.ts";
import { startTestSim, type TestSim } from "./sim.ts";

export interface RecordedEvent {
  event: string;
  action: string | undefined;
  payload: Record<string, unknown>;
  sender: string | undefined;
}

export interface PullFixture {
  sim: TestSim;
  repo: SimRepo;
  owner: string;
  name: string;
  /** The repo owner (admin). */
  admin: Octokit;
  /** A collaborator with write access who opens PRs. */
  dev: Octokit;
  /** A second writer who reviews. */
  reviewer: Octokit;
  /** The app's installation. */
  app: Octokit;
  events: RecordedEvent[];
  principal(login: string): Principal;
  stop(): Promise<void>;
}

/** Starts a sim with `acme/app` (files: README.md, src/app.txt) and the people above. */
export async function startPullFixture(): Promise<PullFixture> {
  const sim = await startTestSim();
  const repo = await sim.createRepo({
    owner: "acme",
    name: "app",
    files: { "README.md": "# app\n", "src/app.txt": "one\ntwo\nthree\n" },
  });
  sim.setPermission(repo, "dev", "write");
  sim.setPermission(repo, "rev", "write");
  const events: RecordedEvent[] = [];
  const emit = sim.context.emit.bind(sim.context);
  // Record every event at the source, whatever becomes of its delivery.
  (sim.context as { emit: typeof sim.context.emit }).emit = (target, event, payload, options) => {
    events.push({
      event,
      action: typeof payload.action === "string" ? payload.action : undefined,
      payload,
      sender: options?.principal?.login,
    });
    emit(target, event, payload, options);
  };
  // Expected 4xx answers are part of these tests; keep Octokit from logging them.
  const quiet = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
  };
  const kit = (auth: string): Octokit => new Octokit({ baseUrl: sim.url, auth, log: quiet });
  const tokenOf = new Map<string, string>();
  const userToken = (login: string): string => {
    const token = sim.token({ kind: "user", login });
    tokenOf.set(login, token);
    return token;
  };
  const appToken = sim.token({ kind: "installation" });
  tokenOf.set(`${sim.state.appSlug}[bot]`, appToken);
  return {
    sim,
    repo,
    owner: "acme",
    name: "app",
    admin: kit(userToken("acme")),
    dev: kit(userToken("dev")),
    reviewer: kit(userToken("rev")),
    app: kit(appToken),
    events,
    principal(login) {
      const token = tokenOf.get(login);
      return { token: token ? sim.state.tokens.get(token) : undefined, login };
    },
    stop: () => sim.stop(),
  };
}

/**
 * Commits `files` on top of `branch` (created from `from`, default the default branch, when it
 * does not exist), moves the branch, and runs the sim's push effects as `pusher`.
 */
export async function pushFiles(
  fx: PullFixture,
  args: {
    branch: string;
    files: Record<string, string | null>;
    message?: string;
    from?: string;
    pusher?: string;
  },
): Promise<string> {
  const { repo, sim } = fx;
  const ref = `refs/heads/${args.branch}`;
  const before = (await resolveRef(repo.gitDir, ref)) ?? ZERO;
  const parent =
    before !== ZERO
      ? before
      : await resolveRef(repo.gitDir, `refs/heads/${args.from ?? repo.default_branch}`);
  const pusher = args.pusher ?? "dev";
  const sha = await commitFiles({
    gitDir: repo.gitDir,
    parent,
    files: args.files,
    message: args.message ?? `Change ${Object.keys(args.files).join(", ")}`,
    author: identityOf(sim.state, pusher),
  });
  await moveBranch(fx, { branch: args.branch, to: sha, pusher });
  return sha;
}

/** Moves (or with `to` ZERO, deletes) a branch as a push would, then runs the push effects. */
export async function moveBranch(
  fx: PullFixture,
  args: { branch: string; to: string; pusher?: string },
): Promise<void> {
  const ref = `refs/heads/${args.branch}`;
  const before = (await resolveRef(fx.repo.gitDir, ref)) ?? ZERO;
  const moved =
    args.to === ZERO
      ? await deleteRef({ gitDir: fx.repo.gitDir, ref, expected: before })
      : await updateRef({ gitDir: fx.repo.gitDir, ref, sha: args.to, expected: before });
  if (!moved.ok) throw new Error(`could not move ${ref}`);
  await fx.sim.context.refUpdated({
    repo: fx.repo,
    ref,
    before,
    after: args.to,
    principal: fx.principal(args.pusher ?? "dev"),
  });
}

/** Events of one kind (and action), in emission order. */
export function eventsOf(fx: PullFixture, event: string, action?: string): RecordedEvent[] {
  return fx.events.filter((e) => e.event === event && (action === undefined || e.action === action));
}

/** The HTTP status of a failed Octokit call (throws if the call succeeded). */
export async function statusOf(
  call: Promise<unknown>,
): Promise<{ status: number; message: string; errors: unknown }> {
  try {
    await call;
  } catch (error: unknown) {
    const e = error as {
      status?: number;
      message?: string;
      response?: { data?: { message?: string; errors?: unknown } };
    };
    return {
      status: e.status ?? 0,
      message: e.response?.data?.message ?? e.message ?? "",
      errors: e.response?.data?.errors,
    };
  }
  throw new Error("expected the call to fail");
}
