import { createHmac } from "node:crypto";
import { Octokit } from "@octokit/rest";
import { Webhooks } from "@octokit/webhooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveRef } from "../../src/sim/git.ts";
import type { SimRepo } from "../../src/sim/index.ts";
import { startHookReceiver, type HookReceiver } from "../helpers/hook-receiver.ts";
import { startTestSim, type TestSim } from "../helpers/sim.ts";

const SECRET = "It's a Secret to Everybody";
const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

describe("webhooks of the loopback GitHub", () => {
  let sim: TestSim;
  let repo: SimRepo;
  let receiver: HookReceiver;
  let app: Octokit;
  let admin: Octokit;
  let sha: string;

  beforeEach(async () => {
    sim = await startTestSim();
    repo = await sim.createRepo({ owner: "acme", name: "app" });
    receiver = await startHookReceiver();
    app = new Octokit({ baseUrl: sim.url, auth: sim.token({ kind: "installation" }), log: quiet });
    admin = new Octokit({ baseUrl: sim.url, auth: sim.token({ kind: "user", login: "acme" }), log: quiet });
    sha = (await resolveRef(repo.gitDir, "refs/heads/main")) ?? "";
  });
  afterEach(async () => {
    await sim.stop();
    await receiver.close();
  });

  const postStatus = (kit: Octokit, context: string) =>
    kit.rest.repos.createCommitStatus({ owner: "acme", repo: "app", sha, state: "pending", context });

  describe("when an event fires", () => {
    it("delivers it signed, so @octokit/webhooks verifies it with the shared secret", async () => {
      sim.addHook(repo, { url: receiver.url, secret: SECRET });
      await postStatus(app, "ci/test");
      await sim.idle();

      expect(receiver.received).toHaveLength(1);
      const [delivery] = receiver.received;
      const headers = delivery?.headers ?? {};
      const webhooks = new Webhooks({ secret: SECRET });
      expect(await webhooks.verify(delivery?.body ?? "", String(headers["x-hub-signature-256"]))).toBe(true);
      expect(
        await new Webhooks({ secret: "wrong" }).verify(
          delivery?.body ?? "",
          String(headers["x-hub-signature-256"]),
        ),
      ).toBe(false);
      const sha1 = `sha1=${createHmac("sha1", SECRET)
        .update(delivery?.body ?? "")
        .digest("hex")}`;
      expect(headers["x-hub-signature"]).toBe(sha1);
      expect(headers).toMatchObject({
        "x-github-event": "status",
        "x-github-hook-id": String(sim.deliveries()[0]?.hook_id),
        "user-agent": "GitHub-Hookshot/sim",
        "content-type": "application/json",
      });
      expect(delivery?.guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    });

    it("completes the payload with the repository, the caller as sender and the installation", async () => {
      sim.addHook(repo, { url: receiver.url, secret: SECRET });
      await postStatus(app, "ci/test");
      await sim.idle();

      const payload = receiver.received[0]?.payload;
      expect(payload).toMatchObject({
        context: "ci/test",
        repository: { full_name: "acme/app", owner: { login: "acme" } },
        sender: { login: "gastown[bot]", type: "Bot" },
        installation: { id: 1 },
      });
      expect(payload).not.toHaveProperty("organization");
    });

    it("names the repo owner as sender when nobody is signed in", async () => {
      sim.addHook(repo, { url: receiver.url, secret: SECRET });
      sim.context.emit(repo, "workflow_dispatch", {
        inputs: {},
        ref: "refs/heads/main",
        workflow: ".github/workflows/x.yml",
      });
      await sim.idle();

      expect(receiver.received[0]?.payload.sender).toMatchObject({ login: "acme" });
    });

    it("sends a hook's events in the order they happened, even to a slow receiver", async () => {
      sim.addHook(repo, { url: receiver.url, secret: SECRET });
      // The first answers come slowest: a receiver that got them concurrently would see them reordered.
      receiver.answer(async (_delivery, index) => {
        await new Promise((resolve) => setTimeout(resolve, index < 3 ? 40 - index * 10 : 0));
        return 200;
      });
      for (let i = 0; i < 12; i += 1) await postStatus(app, `ctx-${i}`);
      await sim.idle();

      expect(receiver.received.map((d) => d.payload.context)).toEqual(
        Array.from({ length: 12 }, (_, i) => `ctx-${i}`),
      );
    });

    it("sends only the events a hook subscribes to, and nothing to an inactive hook", async () => {
      const statuses = await startHookReceiver();
      const off = await startHookReceiver();
      try {
        sim.addHook(repo, { url: receiver.url, secret: SECRET, events: ["push"] });
        sim.addHook(repo, { url: statuses.url, secret: SECRET, events: ["status"] });
        const inactive = sim.addHook(repo, { url: off.url, secret: SECRET });
        inactive.active = false;
        await postStatus(app, "ci/test");
        await sim.idle();

        expect(receiver.received).toHaveLength(0);
        expect(statuses.names()).toEqual(["status"]);
        expect(off.received).toHaveLength(0);
      } finally {
        await statuses.close();
        await off.close();
      }
    });

    it("sends every repo's events to the app's own hook", async () => {
      const other = await sim.createRepo({ owner: "acme", name: "other" });
      sim.addAppHook({ url: receiver.url, secret: SECRET });
      const otherSha = (await resolveRef(other.gitDir, "refs/heads/main")) ?? "";
      await postStatus(app, "here");
      await app.rest.repos.createCommitStatus({
        owner: "acme",
        repo: "other",
        sha: otherSha,
        state: "success",
        context: "there",
      });
      await sim.idle();

      expect(receiver.received.map((d) => (d.payload.repository as { full_name: string }).full_name)).toEqual(
        ["acme/app", "acme/other"],
      );
      expect(receiver.received[0]?.headers["x-github-hook-installation-target-type"]).toBe("integration");
    });
  });

  describe("when a delivery fails", () => {
    it("logs the failure and does not retry it", async () => {
      const hook = sim.addHook(repo, { url: receiver.url, secret: SECRET });
      receiver.answer(() => 500);
      await postStatus(app, "ci/test");
      await sim.idle();

      expect(receiver.received).toHaveLength(1);
      expect(sim.deliveries(hook.id)).toEqual([
        expect.objectContaining({
          event: "status",
          status_code: 500,
          status: "Invalid HTTP Response: 500",
          redelivery: false,
        }),
      ]);
    });

    it("logs a receiver that cannot be reached with status code 0", async () => {
      const gone = await startHookReceiver();
      await gone.close();
      const hook = sim.addHook(repo, { url: gone.url, secret: SECRET });
      await postStatus(app, "ci/test");
      await sim.idle();

      expect(sim.deliveries(hook.id)).toEqual([
        expect.objectContaining({ status_code: 0, status: "failed to connect to host" }),
      ]);
    });

    it("redelivers by hand with the same GUID and payload, flagged as a redelivery", async () => {
      const hook = sim.addHook(repo, { url: receiver.url, secret: SECRET });
      receiver.answer((_delivery, index) => (index === 0 ? 503 : 200));
      await postStatus(app, "ci/test");
      await sim.idle();
      const [failed] = sim.deliveries(hook.id);

      const { status } = await admin.request(
        "POST /repos/{owner}/{repo}/hooks/{hook_id}/deliveries/{delivery_id}/attempts",
        {
          owner: "acme",
          repo: "app",
          hook_id: hook.id,
          delivery_id: failed?.id ?? 0,
        },
      );
      await sim.idle();
      const again = await sim.redeliver(failed?.id ?? 0);

      expect(status).toBe(202);
      expect(receiver.received.map((d) => d.guid)).toEqual([failed?.guid, failed?.guid, failed?.guid]);
      expect(receiver.received[1]?.body).toBe(receiver.received[0]?.body);
      expect(sim.deliveries(hook.id).map((d) => [d.redelivery, d.status_code])).toEqual([
        [false, 503],
        [true, 200],
        [true, 200],
      ]);
      expect(again).toMatchObject({ guid: failed?.guid, redelivery: true, status: "OK" });
    });
  });

  describe("when a workflow token causes the event", () => {
    it("flags its delivery as starting no workflows, unlike the app's", async () => {
      const hook = sim.addHook(repo, { url: receiver.url, secret: SECRET });
      const workflow = new Octokit({
        baseUrl: sim.url,
        auth: sim.token({ kind: "workflow", repos: ["acme/app"], permission: "write" }),
        log: quiet,
      });
      await postStatus(workflow, "from-workflow");
      await postStatus(app, "from-app");
      await sim.idle();

      expect(
        sim.deliveries(hook.id).map((d) => [JSON.parse(d.payload).context, d.triggers_workflows]),
      ).toEqual([
        ["from-workflow", false],
        ["from-app", true],
      ]);
      expect(receiver.received[0]?.payload.sender).toMatchObject({ login: "github-actions[bot]" });
    });
  });

  describe("the hooks REST API", () => {
    const owner = "acme";
    const name = "app";

    it("creates a hook (201), pings it, and lists, updates and deletes it", async () => {
      const created = await admin.rest.repos.createWebhook({
        owner,
        repo: name,
        config: { url: receiver.url, secret: SECRET, content_type: "json" },
        events: ["status"],
      });
      await sim.idle();

      expect(created.status).toBe(201);
      expect(created.data).toMatchObject({
        name: "web",
        active: true,
        events: ["status"],
        config: { url: receiver.url, content_type: "json", insecure_ssl: "0", secret: "********" },
      });
      expect(receiver.names()).toEqual(["ping"]);
      expect(receiver.received[0]?.payload).toMatchObject({
        hook_id: created.data.id,
        hook: { events: ["status"] },
      });

      const hook_id = created.data.id;
      const listed = await admin.paginate(admin.rest.repos.listWebhooks, {
        owner,
        repo: name,
        per_page: 100,
      });
      expect(listed.map((h) => h.id)).toEqual([hook_id]);

      const updated = await admin.rest.repos.updateWebhook({
        owner,
        repo: name,
        hook_id,
        add_events: ["push"],
        remove_events: ["status"],
      });
      expect(updated.data.events).toEqual(["push"]);
      await postStatus(app, "ignored now");
      await sim.idle();
      expect(receiver.names()).toEqual(["ping"]);

      expect((await admin.rest.repos.deleteWebhook({ owner, repo: name, hook_id })).status).toBe(204);
      await expect(admin.rest.repos.getWebhook({ owner, repo: name, hook_id })).rejects.toMatchObject({
        status: 404,
      });
    });

    it("sends a form-encoded payload when the hook asks for form, signed over the body as sent", async () => {
      await admin.rest.repos.createWebhook({
        owner,
        repo: name,
        config: { url: receiver.url, secret: SECRET, content_type: "form" },
        events: ["status"],
      });
      await postStatus(app, "ci/test");
      await sim.idle();

      const delivery = receiver.received.find((d) => d.event === "status");
      expect(delivery?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
      expect(delivery?.body.startsWith("payload=")).toBe(true);
      expect(delivery?.payload.context).toBe("ci/test");
      const signature = String(delivery?.headers["x-hub-signature-256"]);
      expect(await new Webhooks({ secret: SECRET }).verify(delivery?.body ?? "", signature)).toBe(true);
    });

    it("shows the delivery log, newest first, and one delivery with its request and response", async () => {
      const hook = sim.addHook(repo, { url: receiver.url, secret: SECRET });
      receiver.answer((_delivery, index) => (index === 0 ? 200 : 500));
      await postStatus(app, "first");
      await postStatus(app, "second");
      await sim.idle();

      const log = await admin.paginate(admin.rest.repos.listWebhookDeliveries, {
        owner,
        repo: name,
        hook_id: hook.id,
        per_page: 100,
      });
      expect(log.map((d) => [d.event, d.status_code, d.status])).toEqual([
        ["status", 500, "Invalid HTTP Response: 500"],
        ["status", 200, "OK"],
      ]);
      const failures = await admin.rest.repos.listWebhookDeliveries({
        owner,
        repo: name,
        hook_id: hook.id,
        status: "failure",
      } as never);
      expect(failures.data.map((d) => d.status_code)).toEqual([500]);

      const one = await admin.rest.repos.getWebhookDelivery({
        owner,
        repo: name,
        hook_id: hook.id,
        delivery_id: log[1]?.id ?? 0,
      });
      expect(one.data).toMatchObject({
        guid: receiver.received[0]?.guid,
        redelivery: false,
        request: { headers: { "X-GitHub-Event": "status" }, payload: { context: "first" } },
        response: { payload: "thanks" },
      });
    });

    it("pings a hook on demand, whatever events it subscribes to", async () => {
      const hook = sim.addHook(repo, { url: receiver.url, secret: SECRET, events: ["push"] });
      const { status } = await admin.rest.repos.pingWebhook({ owner, repo: name, hook_id: hook.id });
      await sim.idle();

      expect(status).toBe(204);
      expect(receiver.names()).toEqual(["ping"]);
      expect(receiver.received[0]?.payload).not.toHaveProperty("installation");
    });

    it("refuses a hook without a URL (422) and callers without admin (403)", async () => {
      sim.setPermission(repo, "dev", "write");
      const dev = new Octokit({
        baseUrl: sim.url,
        auth: sim.token({ kind: "user", login: "dev" }),
        log: quiet,
      });

      await expect(admin.rest.repos.createWebhook({ owner, repo: name, config: {} })).rejects.toMatchObject({
        status: 422,
      });
      await expect(
        dev.rest.repos.createWebhook({ owner, repo: name, config: { url: receiver.url } }),
      ).rejects.toMatchObject({ status: 403 });
      await expect(dev.rest.repos.listWebhooks({ owner, repo: name })).rejects.toMatchObject({ status: 403 });
    });
  });
});
