// Webhook deliveries, as GitHub's hookshot makes them: every event is completed with the
// repository, sender and installation, serialized once (a snapshot of the moment it happened),
// signed with each hook's secret and POSTed in order per hook. Every attempt is logged in
// `state.deliveries`; a failed delivery is not retried (GitHub does not either) but can be
// redelivered by hand. Events caused by a workflow token start no workflows.
import { createHmac, randomUUID } from "node:crypto";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { triggerWorkflows, workflowsOn } from "./actions-triggers.ts";
import type { Principal } from "./auth.ts";
import type { EmitOptions, SimContext } from "./context.ts";
import { HttpError, isoNow } from "./http.ts";
import { repoShape, userByLogin } from "./shapes.ts";
import type { SimDelivery, SimHook, SimRepo, SimState } from "./state.ts";

/** The one installation of the app the sim plays (every repo is in it). */
export const SIM_INSTALLATION = { id: 1, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" } as const;

/** The bot GitHub Actions acts as; its events, like the workflow token's, start no workflows. */
const ACTIONS_BOT = "github-actions[bot]";

// GitHub gives a receiver 10 s to answer and keeps at most this much of its answer.
const DELIVERY_TIMEOUT_MS = 10_000;
const RESPONSE_BODY_LIMIT = 64 * 1024;

/**
 * Whether events caused by this principal may start workflow runs. GitHub's rule: events made
 * with a workflow's `GITHUB_TOKEN` (or by GitHub Actions itself) do not, so workflows cannot
 * trigger each other in loops.
 */
export function startsWorkflows(principal: Principal | undefined): boolean {
  if (principal?.token?.kind === "workflow") return false;
  return principal?.login?.toLowerCase() !== ACTIONS_BOT;
}

/** `repository` and `sender` as every payload carries them; an anonymous sender is the owner. */
export function eventEnvelope(
  sim: SimContext,
  repo: SimRepo,
  principal: Principal | undefined,
): { repository: Record<string, unknown>; sender: Record<string, unknown> } {
  return {
    repository: repoShape(sim.state, sim.baseUrl, repo),
    sender: userByLogin(sim.state, sim.baseUrl, principal?.login ?? repo.owner),
  };
}

/**
 * Fires `event` on a repo: completes the payload, queues a delivery to every active hook (the
 * repo's and the app's) subscribed to it, and starts the workflows it triggers, unless the
 * principal is a workflow token.
 */
export function emitEvent(
  sim: SimContext,
  repo: SimRepo,
  event: string,
  payload: Record<string, unknown>,
  options: EmitOptions = {},
): void {
  const action = typeof payload.action === "string" ? payload.action : null;
  const hooks = [...repo.hooks, ...sim.state.appHooks].filter(
    (hook) => hook.active && subscribes(hook, event),
  );
  const triggers = startsWorkflows(options.principal);
  const starts = triggers && workflowsOn(repo, event, action ?? undefined).length > 0;
  // Nobody listens: skip building the payload (the repository shape counts every issue).
  if (hooks.length === 0 && !starts) return;
  const complete: Record<string, unknown> = {
    ...payload,
    ...eventEnvelope(sim, repo, options.principal),
    installation: { ...SIM_INSTALLATION },
  };
  const body = JSON.stringify(complete);
  for (const hook of hooks) {
    void queueDelivery(sim, {
      hook,
      repo,
      event,
      action,
      body,
      guid: randomUUID(),
      triggers,
      redelivery: false,
    });
  }
  if (starts)
    triggerWorkflows(sim, repo, event, JSON.parse(body) as Record<string, unknown>, options.principal);
}

export function subscribes(hook: SimHook, event: string): boolean {
  return hook.events.includes("*") || hook.events.includes(event);
}

/** One delivery to make: the hook, the serialized payload and its identity. */
export interface OutgoingDelivery {
  hook: SimHook;
  repo: SimRepo | undefined;
  event: string;
  action: string | null;
  /** The JSON payload, serialized when the event happened. */
  body: string;
  /** `X-GitHub-Delivery`; a redelivery reuses the original's. */
  guid: string;
  triggers: boolean;
  redelivery: boolean;
}

// One chain of deliveries per hook, so a receiver sees a hook's events in the order they happened.
const queues = new WeakMap<SimState, Map<number, Promise<unknown>>>();

/**
 * Queues a delivery behind the hook's earlier ones; resolves with its log record once made.
 * Tracked, so `sim.idle()` waits for it.
 */
export function queueDelivery(sim: SimContext, outgoing: OutgoingDelivery): Promise<SimDelivery> {
  let perHook = queues.get(sim.state);
  if (!perHook) {
    perHook = new Map();
    queues.set(sim.state, perHook);
  }
  const previous = perHook.get(outgoing.hook.id) ?? Promise.resolve();
  const next = previous.then(() => deliver(sim, outgoing));
  perHook.set(outgoing.hook.id, next);
  void next.finally(() => {
    if (perHook.get(outgoing.hook.id) === next) perHook.delete(outgoing.hook.id);
  });
  sim.track(next);
  return next;
}

/** Sends a delivery again, re-signed for the hook as it is now, flagged `redelivery`. */
export function redeliver(sim: SimContext, deliveryId: number): Promise<SimDelivery> {
  const original = sim.state.deliveries.find((d) => d.id === deliveryId);
  if (!original) throw new HttpError(404, "Not Found");
  const found = findHook(sim.state, original.hook_id);
  if (!found)
    throw new HttpError(
      422,
      `Hook ${original.hook_id} no longer exists; delivery ${deliveryId} cannot be redelivered.`,
    );
  return queueDelivery(sim, {
    hook: found.hook,
    repo: found.repo,
    event: original.event,
    action: original.action,
    body: original.payload,
    guid: original.guid,
    triggers: original.triggers_workflows,
    redelivery: true,
  });
}

/** A hook by id among every repo's hooks and the app's. */
export function findHook(
  state: SimState,
  hookId: number,
): { hook: SimHook; repo: SimRepo | undefined } | undefined {
  const app = state.appHooks.find((h) => h.id === hookId);
  if (app) return { hook: app, repo: undefined };
  for (const repo of state.repos.values()) {
    const hook = repo.hooks.find((h) => h.id === hookId);
    if (hook) return { hook, repo };
  }
  return undefined;
}

/** Creates a hook record with GitHub's defaults and adds it to `hooks`. */
export function createHook(
  state: SimState,
  hooks: SimHook[],
  spec: Pick<SimHook, "url" | "secret"> & Partial<Omit<SimHook, "id" | "url" | "secret">>,
): SimHook {
  const now = isoNow();
  const hook: SimHook = {
    id: state.nextId(),
    url: spec.url,
    secret: spec.secret,
    events: spec.events ?? ["*"],
    active: spec.active ?? true,
    content_type: spec.content_type ?? "json",
    insecure_ssl: spec.insecure_ssl ?? "0",
    created_at: now,
    updated_at: now,
    last_response: { code: null, status: "unused", message: null },
    scope: spec.scope ?? "repository",
  };
  hooks.push(hook);
  return hook;
}

/** The signature headers of a body: sha256 (and the legacy sha1), none without a secret. */
export function signatureHeaders(secret: string, body: Buffer): Record<string, string> {
  if (!secret) return {};
  return {
    "X-Hub-Signature": `sha1=${createHmac("sha1", secret).update(body).digest("hex")}`,
    "X-Hub-Signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
  };
}

async function deliver(sim: SimContext, outgoing: OutgoingDelivery): Promise<SimDelivery> {
  const { hook, repo } = outgoing;
  const form = hook.content_type === "form";
  const body = Buffer.from(form ? `payload=${encodeURIComponent(outgoing.body)}` : outgoing.body, "utf8");
  const headers: Record<string, string> = {
    Accept: "*/*",
    "User-Agent": "GitHub-Hookshot/sim",
    "X-GitHub-Delivery": outgoing.guid,
    "X-GitHub-Event": outgoing.event,
    "X-GitHub-Hook-ID": String(hook.id),
    "X-GitHub-Hook-Installation-Target-ID": String(
      hook.scope === "app" ? SIM_INSTALLATION.id : (repo?.id ?? 0),
    ),
    "X-GitHub-Hook-Installation-Target-Type": hook.scope === "app" ? "integration" : "repository",
    ...signatureHeaders(hook.secret, body),
    "Content-Type": form ? "application/x-www-form-urlencoded" : "application/json",
  };
  const started = performance.now();
  const answer = await post(hook.url, body, headers);
  const duration = (performance.now() - started) / 1000;
  const ok = answer.status >= 200 && answer.status < 300;
  const status = ok ? "OK" : (answer.error ?? `Invalid HTTP Response: ${answer.status}`);
  const record: SimDelivery = {
    id: sim.state.nextId(),
    guid: outgoing.guid,
    event: outgoing.event,
    action: outgoing.action,
    hook_id: hook.id,
    repository: repo ? `${repo.owner}/${repo.name}` : "",
    delivered_at: isoNow(),
    redelivery: outgoing.redelivery,
    status_code: answer.status,
    duration_ms: Math.round(duration * 1000),
    payload: outgoing.body,
    triggers_workflows: outgoing.triggers,
    url: hook.url,
    status,
    request_headers: headers,
    response_headers: answer.headers,
    response_body: answer.body,
    installation_id: SIM_INSTALLATION.id,
    repository_id: repo?.id ?? null,
  };
  sim.state.deliveries.push(record);
  hook.last_response = ok
    ? { code: answer.status, status: "active", message: "OK" }
    : { code: answer.status || null, status: "misconfigured", message: status };
  return record;
}

interface Answer {
  /** 0 when no HTTP answer came (refused, timed out). */
  status: number;
  headers: Record<string, string>;
  body: string;
  error?: string;
}

/** POSTs a body; never throws: a failure to connect or a timeout is an answer with status 0. */
function post(url: string, body: Buffer, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ status: 0, headers: {}, body: "", error: `invalid URL ${url}` });
      return;
    }
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: "POST",
        headers: { ...headers, "Content-Length": String(body.length) },
        // A fresh connection per delivery, as hookshot; nothing is left open when a test ends.
        agent: false,
        timeout: DELIVERY_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          if (size < RESPONSE_BODY_LIMIT) chunks.push(chunk);
          size += chunk.length;
        });
        const finish = (): void =>
          resolve({
            status: res.statusCode ?? 0,
            headers: flatHeaders(res.headers),
            body: Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT).toString("utf8"),
          });
        res.on("end", finish);
        res.on("error", finish);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", (error: Error) =>
      resolve({
        status: 0,
        headers: {},
        body: "",
        error: error.message === "timed out" ? "timed out" : "failed to connect to host",
      }),
    );
    req.end(body);
  });
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}
