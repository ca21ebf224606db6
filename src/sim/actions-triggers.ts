// Which runs start: workflows registered per repo by file name, `workflow_dispatch` through the
// API (with GitHub's checks of the trigger, ref and inputs), and the webhook events a workflow
// lists in `on`. Running them is actions-runner.ts's work.
import type { Principal } from "./auth.ts";
import { startRun } from "./actions-runner.ts";
import type { SimContext } from "./context.ts";
import { resolveCommit, resolveRef, ZERO } from "./git.ts";
import { isoNow, validationFailed } from "./http.ts";
import { workflowPath } from "./shapes-actions.ts";
import { repoShape, userByLogin } from "./shapes.ts";
import type { SimRepo, SimState, SimWorkflow, SimWorkflowInput, SimWorkflowRun } from "./state.ts";

/** Events whose runs would feed back into themselves; GitHub needs a `workflows:` filter for them. */
const UNTRIGGERABLE = new Set(["workflow_run", "workflow_job", "workflow_dispatch"]);
/** GitHub's cap on `workflow_dispatch` inputs. */
const MAX_INPUTS = 25;

/** What `registerWorkflow` takes: the workflow file and what its one job runs. */
export interface WorkflowSpec {
  /** File name under `.github/workflows` (`polecat.yml`); a full `.github/workflows/…` path is accepted. */
  path: string;
  /** Display name (`GITHUB_WORKFLOW`); the file name when omitted. */
  name?: string;
  /** The job's command and arguments, run in the checkout. */
  command: string[];
  /** Extra environment of the job (secrets, action inputs); applied last. */
  env?: Record<string, string>;
  /** Triggers: `workflow_dispatch` (default) and webhook events, `push` or `issues.opened`. */
  on?: string[];
  /** The job's key (`GITHUB_JOB`); `run` when omitted. */
  job?: string;
  /** Declared dispatch inputs; undeclared ones are then refused and defaults filled in. */
  inputs?: Record<string, SimWorkflowInput>;
  /** `timeout-minutes` of the job (GitHub's default 360); past it the run ends `timed_out`. */
  timeoutMinutes?: number;
}

/** Registers (or replaces, by file name) a workflow of the repo. */
export function registerWorkflow(state: SimState, repo: SimRepo, spec: WorkflowSpec): SimWorkflow {
  const file = spec.path.replace(/^\.github\/workflows\//, "");
  if (!/^[^/]+\.ya?ml$/.test(file)) {
    throw new Error(
      `Workflow path "${spec.path}" must be a .yml or .yaml file name under .github/workflows.`,
    );
  }
  if (spec.command.length === 0 || !spec.command[0])
    throw new Error(`Workflow ${file} needs a command to run.`);
  const on = spec.on ?? ["workflow_dispatch"];
  const looping = on.filter(
    (event) => event !== "workflow_dispatch" && UNTRIGGERABLE.has(event.split(".")[0] ?? ""),
  );
  if (looping.length > 0)
    throw new Error(`Workflow ${file} cannot be triggered by ${looping.join(", ")} here.`);
  const existing = [...repo.workflows.values()].find((w) => w.path === file);
  const workflow: SimWorkflow = {
    id: existing?.id ?? state.nextId(),
    path: file,
    name: spec.name ?? file,
    state: "active",
    command: [...spec.command],
    ...(spec.env ? { env: { ...spec.env } } : {}),
    created_at: existing?.created_at ?? isoNow(),
    on: [...on],
    job: spec.job ?? "run",
    ...(spec.inputs ? { inputs: structuredClone(spec.inputs) } : {}),
    ...(spec.timeoutMinutes !== undefined ? { timeoutMinutes: spec.timeoutMinutes } : {}),
  };
  repo.workflows.set(workflow.id, workflow);
  return workflow;
}

/** A workflow by id or by file name (`polecat.yml`), as the API's `workflow_id` accepts. */
export function findWorkflow(repo: SimRepo, idOrFile: string): SimWorkflow | undefined {
  if (/^\d+$/.test(idOrFile)) return repo.workflows.get(Number(idOrFile));
  const file = idOrFile.replace(/^\.github\/workflows\//, "");
  return [...repo.workflows.values()].find((w) => w.path === file);
}

// ---- Starting runs ----------------------------------------------------------------------------

/**
 * `workflow_dispatch`: checks the trigger, the ref (a branch or tag) and the inputs as GitHub
 * does (422s), emits the event and starts a run. Resolves with the queued run.
 */
export async function dispatchWorkflow(args: {
  sim: SimContext;
  repo: SimRepo;
  workflow: SimWorkflow;
  ref: string;
  inputs: unknown;
  principal: Principal;
}): Promise<SimWorkflowRun> {
  const { sim, repo, workflow, principal } = args;
  if (!workflow.on.includes("workflow_dispatch")) {
    throw validationFailed("Workflow does not have 'workflow_dispatch' trigger");
  }
  if (workflow.state !== "active") {
    throw validationFailed("Cannot trigger a 'workflow_dispatch' on a disabled workflow");
  }
  const target = await resolveDispatchRef(repo, args.ref);
  if (!target) throw validationFailed(`No ref found for: ${args.ref}`);
  const inputs = checkInputs(workflow, args.inputs);
  const payload = { inputs, ref: target.ref, workflow: workflowPath(workflow) };
  sim.emit(repo, "workflow_dispatch", payload, { principal });
  return startRun({
    sim,
    repo,
    workflow,
    event: "workflow_dispatch",
    ref: target.ref,
    sha: target.sha,
    actor: principal.login ?? repo.owner,
    inputs,
    eventPayload: { ...payload, ...envelope(sim, repo, principal.login ?? repo.owner) },
    principal,
  });
}

async function resolveDispatchRef(
  repo: SimRepo,
  ref: string,
): Promise<{ ref: string; sha: string } | undefined> {
  const candidates = ref.startsWith("refs/") ? [ref] : [`refs/heads/${ref}`, `refs/tags/${ref}`];
  for (const candidate of candidates) {
    if (!/^refs\/(heads|tags)\//.test(candidate)) continue;
    if (!(await resolveRef(repo.gitDir, candidate))) continue;
    const sha = await resolveCommit(repo.gitDir, candidate);
    if (sha) return { ref: candidate, sha };
  }
  return undefined;
}

/** The dispatch inputs as strings, defaults filled in; GitHub's 422s for unknown or missing ones. */
function checkInputs(workflow: SimWorkflow, raw: unknown): Record<string, string> {
  const given = raw === undefined || raw === null ? {} : raw;
  if (typeof given !== "object" || Array.isArray(given)) throw validationFailed("inputs must be an object");
  if (Object.keys(given).length > MAX_INPUTS) {
    throw validationFailed(`You may only define up to ${MAX_INPUTS} inputs for a workflow_dispatch event`);
  }
  const inputs: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (value !== null && typeof value === "object") {
      throw validationFailed(`Invalid value for input '${name}': inputs take strings, numbers or booleans`);
    }
    inputs[name] = String(value ?? "");
  }
  const declared = workflow.inputs;
  if (!declared) return inputs;
  const unexpected = Object.keys(inputs).filter((name) => !(name in declared));
  if (unexpected.length > 0)
    throw validationFailed(`Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
  for (const [name, input] of Object.entries(declared)) {
    if (name in inputs) continue;
    if (input.default !== undefined) inputs[name] = input.default;
    else if (input.required) throw validationFailed(`Required input '${name}' not provided`);
  }
  return inputs;
}

/** The active workflows an event (with its action) triggers. */
export function workflowsOn(repo: SimRepo, event: string, action: string | undefined): SimWorkflow[] {
  if (UNTRIGGERABLE.has(event) || repo.workflows.size === 0) return [];
  return [...repo.workflows.values()].filter(
    (w) =>
      w.state === "active" &&
      w.on.some((on) => on === event || (action !== undefined && on === `${event}.${action}`)),
  );
}

/**
 * Starts the workflows a webhook event triggers (called for events that may start workflows).
 * Push runs check out the pushed commit, merge group runs the group's commit; others the default
 * branch's tip, as on GitHub.
 */
export function triggerWorkflows(
  sim: SimContext,
  repo: SimRepo,
  event: string,
  payload: Record<string, unknown>,
  principal: Principal | undefined,
): void {
  const action = typeof payload.action === "string" ? payload.action : undefined;
  const matching = workflowsOn(repo, event, action);
  if (matching.length === 0) return;
  sim.track(
    (async () => {
      const target = await eventTarget(repo, event, payload);
      if (!target) return;
      for (const workflow of matching) {
        await startRun({
          sim,
          repo,
          workflow,
          event,
          ref: target.ref,
          sha: target.sha,
          actor: principal?.login ?? repo.owner,
          inputs: {},
          eventPayload: payload,
          ...(principal ? { principal } : {}),
        });
      }
    })(),
  );
}

async function eventTarget(
  repo: SimRepo,
  event: string,
  payload: Record<string, unknown>,
): Promise<{ ref: string; sha: string } | undefined> {
  if (event === "push") {
    const ref = String(payload.ref ?? "");
    const after = String(payload.after ?? ZERO);
    return after === ZERO ? undefined : { ref, sha: after };
  }
  // A merge queue's group: the workflow checks out the group's commit on its branch.
  const group = payload.merge_group as { head_sha?: string; head_ref?: string } | undefined;
  if (event === "merge_group" && group?.head_sha && group.head_ref) {
    return { ref: group.head_ref, sha: group.head_sha };
  }
  const pull = payload.pull_request as { number?: number; head?: { sha?: string } } | undefined;
  if (event.startsWith("pull_request") && pull?.head?.sha) {
    return { ref: `refs/pull/${pull.number}/merge`, sha: pull.head.sha };
  }
  const ref = `refs/heads/${repo.default_branch}`;
  const sha = await resolveCommit(repo.gitDir, ref);
  return sha ? { ref, sha } : undefined;
}

function envelope(sim: SimContext, repo: SimRepo, login: string): Record<string, unknown> {
  return {
    repository: repoShape(sim.state, sim.baseUrl, repo),
    sender: userByLogin(sim.state, sim.baseUrl, login),
  };
}
