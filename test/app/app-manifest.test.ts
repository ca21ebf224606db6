import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROUTED_EVENTS as ROUTED } from "../../src/app/index.ts";

interface Manifest {
  name: string;
  url: string;
  description: string;
  public: boolean;
  default_events: string[];
  default_permissions: Record<string, string>;
  hook_attributes?: unknown;
  redirect_url?: unknown;
}

const manifest = parse(readFileSync(new URL("../../app.yml", import.meta.url), "utf8")) as Manifest;

/** The events the router handles, without their actions (`issues.opened` → `issues`). */
const ROUTED_EVENTS = [...new Set(ROUTED.map((event) => event.split(".")[0] as string))];
/** GitHub sends these to every App unasked, and refuses them as subscriptions. */
const ALWAYS_DELIVERED = ["installation", "installation_repositories"];

/** The permission GitHub requires before it delivers each event to an App. */
const EVENT_PERMISSION: Record<string, string> = {
  issues: "issues",
  issue_comment: "issues",
  milestone: "issues",
  pull_request: "pull_requests",
  pull_request_review: "pull_requests",
  check_suite: "checks",
  check_run: "checks",
  status: "statuses",
  workflow_run: "actions",
  workflow_job: "actions",
  push: "contents",
};

describe("app.yml, the GitHub App manifest", () => {
  it("names a private App with a homepage and a description", () => {
    expect(manifest.name).toBe("Gas Town");
    expect(manifest.url).toMatch(/^https:\/\//);
    expect(manifest.description.length).toBeGreaterThan(20);
    expect(manifest.public).toBe(false);
  });

  it("leaves the webhook URL and redirect to Probot's setup", () => {
    expect(manifest.hook_attributes).toBeUndefined();
    expect(manifest.redirect_url).toBeUndefined();
  });

  it("routes the events issues 5 and 7 name", () => {
    expect(ROUTED_EVENTS).toEqual(
      expect.arrayContaining([
        "issues",
        "issue_comment",
        "milestone",
        "pull_request",
        "pull_request_review",
        "check_suite",
        "check_run",
        "status",
        "workflow_run",
        "workflow_job",
        "push",
        "installation",
        "installation_repositories",
      ]),
    );
  });

  it("subscribes to exactly the routed events GitHub lets an App subscribe to", () => {
    expect([...manifest.default_events].sort()).toEqual(
      ROUTED_EVENTS.filter((event) => !ALWAYS_DELIVERED.includes(event)).sort(),
    );
  });

  it("names only real webhook events", async () => {
    const { default: examples } = await import("@octokit/webhooks-examples/api.github.com/index.json", {
      with: { type: "json" },
    });
    const known = new Set((examples as Array<{ name: string }>).map((e) => e.name));
    for (const event of ROUTED_EVENTS) expect(known.has(event), event).toBe(true);
  });

  it("asks for exactly the least-privilege permissions", () => {
    expect(manifest.default_permissions).toEqual({
      issues: "write",
      pull_requests: "write",
      contents: "write",
      checks: "write",
      actions: "write",
      statuses: "read",
      metadata: "read",
    });
  });

  it("holds the permission each subscribed event needs", () => {
    for (const event of manifest.default_events) {
      const needed = EVENT_PERMISSION[event];
      expect(needed, `no permission known for ${event}`).toBeDefined();
      expect(manifest.default_permissions[needed as string], event).toMatch(/^(read|write)$/);
    }
  });
});
