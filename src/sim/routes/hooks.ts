// Repository webhooks' REST API: create, list, get, update and delete hooks, their config, the
// delivery log (list, get one with its request and response), redelivery, and pings. Sending is
// webhooks.ts's work. Hooks need admin on the repo, as on GitHub.
import { randomUUID } from "node:crypto";
import type { SimContext } from "../context.ts";
import { repoFor } from "../git-rest.ts";
import {
  bodyObject,
  isoNow,
  noContent,
  notFound,
  ok,
  paginate,
  type SimRequest,
  type SimResponse,
  validationFailed,
} from "../http.ts";
import type { Router } from "../router.ts";
import type { SimDelivery, SimHook, SimRepo } from "../state.ts";
import { createHook, eventEnvelope, queueDelivery, redeliver } from "../webhooks.ts";

const HOOKS = "/repos/{owner}/{repo}/hooks";

export function register(router: Router): void {
  router.post(HOOKS, createRepoHook);
  router.get(HOOKS, listHooks);
  router.get(`${HOOKS}/{hook_id}`, getHook);
  router.patch(`${HOOKS}/{hook_id}`, updateHook);
  router.delete(`${HOOKS}/{hook_id}`, deleteHook);
  router.get(`${HOOKS}/{hook_id}/config`, getConfig);
  router.patch(`${HOOKS}/{hook_id}/config`, updateConfig);
  router.get(`${HOOKS}/{hook_id}/deliveries`, listDeliveries);
  router.get(`${HOOKS}/{hook_id}/deliveries/{delivery_id}`, getDelivery);
  router.post(`${HOOKS}/{hook_id}/deliveries/{delivery_id}/attempts`, redeliverAttempt);
  router.post(`${HOOKS}/{hook_id}/pings`, ping);
}

// The zen lines GitHub's pings carry, one picked per ping.
const ZEN = [
  "Design for failure.",
  "Keep it logically awesome.",
  "Speak like a human.",
  "Approachable is better than simple.",
  "Mind your words, they are important.",
  "Non-blocking is better than blocking.",
  "Half measures are as bad as nothing at all.",
];

/** `webhook-config`: the secret is never shown, only that there is one. */
function configShape(hook: SimHook): Record<string, unknown> {
  return {
    content_type: hook.content_type ?? "json",
    insecure_ssl: hook.insecure_ssl ?? "0",
    url: hook.url,
    ...(hook.secret ? { secret: "********" } : {}),
  };
}

/** GitHub's `hook`. */
export function hookShape(baseUrl: string, repo: SimRepo, hook: SimHook): Record<string, unknown> {
  const url = `${baseUrl}/repos/${repo.owner}/${repo.name}/hooks/${hook.id}`;
  return {
    type: "Repository",
    id: hook.id,
    name: "web",
    active: hook.active,
    events: [...hook.events],
    config: configShape(hook),
    updated_at: hook.updated_at ?? repo.created_at,
    created_at: hook.created_at ?? repo.created_at,
    url,
    test_url: `${url}/test`,
    ping_url: `${url}/pings`,
    deliveries_url: `${url}/deliveries`,
    last_response: { ...(hook.last_response ?? { code: null, status: "unused", message: null }) },
  };
}

function hookFor(req: SimRequest, repo: SimRepo): SimHook {
  const hook = repo.hooks.find((h) => String(h.id) === req.params.hook_id);
  if (!hook) throw notFound();
  return hook;
}

function hookError(message: string): Error {
  return validationFailed("Validation Failed", [{ resource: "Hook", code: "custom", message }]);
}

function eventList(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.some((e) => typeof e !== "string" || !/^(\*|[a-z_]+)$/.test(e))) {
    throw hookError(`${field} must be a list of event names (or "*")`);
  }
  return [...new Set(value as string[])];
}

/** Applies `config` fields to a hook (url, content_type, secret, insecure_ssl). */
function applyConfig(hook: Partial<SimHook>, config: unknown): void {
  if (config === undefined) return;
  if (typeof config !== "object" || config === null || Array.isArray(config))
    throw hookError("config must be an object");
  const c = config as Record<string, unknown>;
  if (c.url !== undefined) {
    if (typeof c.url !== "string" || !URL.canParse(c.url)) throw hookError("Config must contain a valid url");
    hook.url = c.url;
  }
  if (c.content_type !== undefined) {
    if (c.content_type !== "json" && c.content_type !== "form")
      throw hookError("content_type must be json or form");
    hook.content_type = c.content_type;
  }
  if (c.secret !== undefined) {
    if (typeof c.secret !== "string") throw hookError("secret must be a string");
    hook.secret = c.secret;
  }
  if (c.insecure_ssl !== undefined) hook.insecure_ssl = String(c.insecure_ssl) === "1" ? "1" : "0";
}

function createRepoHook(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "admin");
  const body = bodyObject(req);
  if (body.name !== undefined && body.name !== "web")
    throw hookError(`Name must be "web" (got ${JSON.stringify(body.name)})`);
  const draft: Partial<SimHook> = { secret: "", content_type: "form" };
  applyConfig(draft, body.config);
  if (!draft.url) throw hookError("Config must contain url");
  if (repo.hooks.some((h) => h.url === draft.url)) throw hookError("Hook already exists on this repository");
  const hook = createHook(sim.state, repo.hooks, {
    url: draft.url,
    secret: draft.secret ?? "",
    events: body.events === undefined ? ["push"] : eventList(body.events, "events"),
    active: body.active === undefined ? true : body.active === true,
    content_type: draft.content_type ?? "form",
    insecure_ssl: draft.insecure_ssl ?? "0",
  });
  // GitHub pings a new hook right away.
  sendPing(sim, repo, hook, req);
  const shape = hookShape(sim.baseUrl, repo, hook);
  return ok(shape, 201, { location: String(shape.url) });
}

function listHooks(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "admin");
  return paginate(req, repo.hooks, (hook) => hookShape(sim.baseUrl, repo, hook));
}

function getHook(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "admin");
  return ok(hookShape(sim.baseUrl, repo, hookFor(req, repo)));
}

function updateHook(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "admin");
  const hook = hookFor(req, repo);
  const body = bodyObject(req);
  const next: SimHook = { ...hook, events: [...hook.events] };
  applyConfig(next, body.config);
  if (body.events !== undefined) next.events = eventList(body.events, "events");
  if (body.add_events !== undefined)
    next.events = [...new Set([...next.events, ...eventList(body.add_events, "add_events")])];
  if (body.remove_events !== undefined) {
    const removed = new Set(eventList(body.remove_events, "remove_events"));
    next.events = next.events.filter((e) => !removed.has(e));
  }
  if (body.active !== undefined) next.active = body.active === true;
  Object.assign(hook, next, { updated_at: isoNow() });
  return ok(hookShape(sim.baseUrl, repo, hook));
}

function deleteHook(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "admin");
  const hook = hookFor(req, repo);
  repo.hooks.splice(repo.hooks.indexOf(hook), 1);
  return noContent();
}

function getConfig(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "admin");
  return ok(configShape(hookFor(req, repo)));
}

function updateConfig(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "admin");
  const hook = hookFor(req, repo);
  const next: SimHook = { ...hook };
  applyConfig(next, bodyObject(req));
  Object.assign(hook, next);
  return ok(configShape(hook));
}

/** `hook-delivery-item`: one line of the delivery log. */
function deliveryItemShape(delivery: SimDelivery): Record<string, unknown> {
  return {
    id: delivery.id,
    guid: delivery.guid,
    delivered_at: delivery.delivered_at,
    redelivery: delivery.redelivery,
    duration: delivery.duration_ms / 1000,
    status: delivery.status,
    status_code: delivery.status_code,
    event: delivery.event,
    action: delivery.action,
    installation_id: delivery.installation_id,
    repository_id: delivery.repository_id,
    throttled_at: null,
  };
}

function deliveriesOf(sim: SimContext, hook: SimHook): SimDelivery[] {
  // Newest first, as GitHub lists them.
  return sim.state.deliveries.filter((d) => d.hook_id === hook.id).reverse();
}

function listDeliveries(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "admin");
  let deliveries = deliveriesOf(sim, hookFor(req, repo));
  const status = req.query.get("status");
  if (status === "success")
    deliveries = deliveries.filter((d) => d.status_code >= 200 && d.status_code < 300);
  else if (status === "failure")
    deliveries = deliveries.filter((d) => d.status_code < 200 || d.status_code >= 300);
  else if (status !== null) throw validationFailed(`Invalid status filter: ${status} (success or failure)`);
  // `cursor` (a delivery id, as in the Link headers of GitHub) lists what came before it.
  const cursor = Number(req.query.get("cursor"));
  if (cursor > 0) deliveries = deliveries.filter((d) => d.id < cursor);
  return paginate(req, deliveries, deliveryItemShape);
}

function deliveryFor(req: SimRequest, sim: SimContext, hook: SimHook): SimDelivery {
  const delivery = deliveriesOf(sim, hook).find((d) => String(d.id) === req.params.delivery_id);
  if (!delivery) throw notFound();
  return delivery;
}

function getDelivery(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "admin");
  const delivery = deliveryFor(req, sim, hookFor(req, repo));
  return ok({
    ...deliveryItemShape(delivery),
    url: delivery.url,
    request: { headers: { ...delivery.request_headers }, payload: JSON.parse(delivery.payload) as unknown },
    response: { headers: { ...delivery.response_headers }, payload: delivery.response_body },
  });
}

function redeliverAttempt(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "admin");
  const delivery = deliveryFor(req, sim, hookFor(req, repo));
  void redeliver(sim, delivery.id);
  return ok({}, 202);
}

function ping(req: SimRequest, sim: SimContext): SimResponse {
  const repo = repoFor(req, sim, "admin");
  sendPing(sim, repo, hookFor(req, repo), req);
  return noContent();
}

/** The `ping` event goes to the one hook, whatever it subscribes to (and carries no installation). */
function sendPing(sim: SimContext, repo: SimRepo, hook: SimHook, req: SimRequest): void {
  const shape = hookShape(sim.baseUrl, repo, hook);
  const last = shape.last_response as { status: string };
  const payload = {
    zen: ZEN[hook.id % ZEN.length],
    hook_id: hook.id,
    // The published ping schema knows only the "never answered" form of last_response.
    hook: { ...shape, last_response: { code: null, status: last.status, message: null } },
    ...eventEnvelope(sim, repo, req.principal),
  };
  void queueDelivery(sim, {
    hook,
    repo,
    event: "ping",
    action: null,
    body: JSON.stringify(payload),
    guid: randomUUID(),
    triggers: false,
    redelivery: false,
  });
}
