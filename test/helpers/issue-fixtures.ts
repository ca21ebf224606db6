// A loopback GitHub with a public repo (`acme/app`) and a private one (`acme/vault`), people at
// every permission level, Octokits for each, and a recorder of every event the sim emits. Used by
// the issues, labels, milestones, comments, reactions, dependencies, sub-issues, collaborators,
// pagination and auth tests.
import { Octokit } from "@octokit/rest";
import type { SimRepo } from "../../src/sim/index.ts";
import { ContractError, type ContractViolation } from "../../src/sim/contract.ts";
import { startTestSim, type TestSim } from "./sim.ts";

export interface RecordedEvent {
  event: string;
  action: string | undefined;
  payload: Record<string, unknown>;
  sender: string | undefined;
}

export interface IssueFixture {
  sim: TestSim;
  /** Public `acme/app`. */
  repo: SimRepo;
  /** Private `acme/vault`; only the owner and `dev` can see it. */
  vault: SimRepo;
  owner: "acme";
  name: "app";
  /** The owner (admin). */
  admin: Octokit;
  /** `dev`: write on both repos. */
  dev: Octokit;
  /** `tri`: triage on `acme/app`. */
  triager: Octokit;
  /** `reader`: read on `acme/app`. */
  reader: Octokit;
  /** `stranger`: no role anywhere (sees public repos only). */
  stranger: Octokit;
  /** The app's installation token (write). */
  app: Octokit;
  /** An installation token carrying only read. */
  appRead: Octokit;
  /** Octokit for any token the test issues. */
  kit(token: string): Octokit;
  events: RecordedEvent[];
  /** Recorded events of one kind (and action), oldest first. */
  eventsOf(event: string, action?: string): RecordedEvent[];
  /**
   * Takes back the contract findings about requests a test sent off GitHub's description on
   * purpose (to see how the sim refuses them); returns how many. Other findings still fail stop().
   */
  forgiveRequests(): number;
  stop(): Promise<void>;
}

export async function startIssueFixture(): Promise<IssueFixture> {
  const sim = await startTestSim();
  const repo = await sim.createRepo({ owner: "acme", name: "app" });
  const vault = await sim.createRepo({ owner: "acme", name: "vault", private: true });
  sim.setPermission(repo, "dev", "write");
  sim.setPermission(vault, "dev", "write");
  sim.setPermission(repo, "tri", "triage");
  sim.setPermission(repo, "reader", "read");
  sim.state.user("stranger");
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
  const user = (login: string): Octokit => kit(sim.token({ kind: "user", login }));
  const kept: ContractViolation[] = [];
  return {
    sim,
    repo,
    vault,
    owner: "acme",
    name: "app",
    admin: user("acme"),
    dev: user("dev"),
    triager: user("tri"),
    reader: user("reader"),
    stranger: user("stranger"),
    app: kit(sim.token({ kind: "installation" })),
    appRead: kit(sim.token({ kind: "installation", permission: "read" })),
    kit,
    events,
    eventsOf: (event, action) =>
      events.filter((e) => e.event === event && (action === undefined || e.action === action)),
    forgiveRequests() {
      let forgiven = 0;
      for (const v of sim.contract.drain()) {
        if (v.kind === "request") forgiven += 1;
        else kept.push(v);
      }
      return forgiven;
    },
    async stop() {
      await sim.stop();
      if (kept.length > 0) throw new ContractError(kept);
    },
  };
}

/** The HTTP status of a request that may fail (Octokit throws on 4xx). */
export async function statusOf(
  request: Promise<{ status: number }>,
): Promise<{ status: number; data: unknown }> {
  try {
    const { status } = await request;
    return { status, data: undefined };
  } catch (error: unknown) {
    const e = error as { status?: number; response?: { data?: unknown } };
    if (typeof e.status !== "number") throw error;
    return { status: e.status, data: e.response?.data };
  }
}
