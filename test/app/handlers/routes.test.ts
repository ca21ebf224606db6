// Every routed event through `probot.receive()` with GitHub mocked by nock: the payloads are the
// published examples of @octokit/webhooks-examples, adapted per scenario (repository, numbers,
// bodies), and each test lists exactly the requests the handler should make: nock refuses any
// other, and `pendingMocks()` is empty at the end.
import { randomUUID } from "node:crypto";
import nock from "nock";
import { pino } from "pino";
import { Probot, ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createGastownApp, ROUTED_EVENTS } from "../../../src/app/index.ts";
import { renderBeadBody, type BeadMetadata } from "../../../src/model/bead.ts";
import { encodeHolder } from "../../../src/model/hook.ts";
import { defaultTaxonomy, taxonomyLabels } from "../../../src/model/labels.ts";
import { renderConvoyDescription } from "../../../src/model/convoy.ts";
import {
  API,
  gitRefPayload,
  gitTagPayload,
  issuePayload,
  labelPayload,
  milestonePayload,
} from "../../github/payloads.ts";

type Json = Record<string, unknown>;

const REPO = "/repos/acme/app";
const CONFIG = `${REPO}/contents/.github%2Fgastown.yml`;
const ORG_CONFIG = "/repos/acme/.github/contents/.github%2Fgastown.yml";
const NOT_FOUND = { message: "Not Found" };

const examples = (
  await import("@octokit/webhooks-examples/api.github.com/index.json", { with: { type: "json" } })
).default as Array<{ name: string; examples: Json[] }>;

/** A published example of `name` (with `action`), moved to acme/app and patched. */
function webhook(name: string, action: string | null, patch: (payload: Json) => void = () => {}): Json {
  const found = examples
    .find((e) => e.name === name)
    ?.examples.find((e) => action === null || e.action === action);
  if (!found) throw new Error(`no ${name}.${action} example`);
  const payload = structuredClone(found);
  const repository = payload.repository as Json | undefined;
  if (repository) {
    Object.assign(repository, { name: "app", full_name: "acme/app", default_branch: "main" });
    Object.assign(repository.owner as Json, { login: "acme" });
  }
  patch(payload);
  return payload;
}

/** The sender of a payload, as a person (`User`) or a bot. */
function from(payload: Json, login: string, type: "User" | "Bot" = "User"): void {
  Object.assign(payload.sender as Json, { login, type });
}

const body = (text: string, metadata: BeadMetadata) => renderBeadBody(text, metadata);

let probot: Probot;
let github: nock.Scope;

async function receive(name: string, payload: Json): Promise<void> {
  await probot.receive({ id: randomUUID(), name, payload } as unknown as Parameters<Probot["receive"]>[0]);
}

/** The repo has no `.github/gastown.yml`, nor has its owner's `.github` repository. */
function noConfig(): void {
  github.get(CONFIG).reply(404, NOT_FOUND).get(ORG_CONFIG).reply(404, NOT_FOUND);
}

const MAIN_SHA = "a".repeat(40);

/**
 * One refinery tick over an empty queue: its state (none yet), the base's tip, the open pull
 * requests into it (`open`), and which checks the base requires (no protection, no rulesets).
 */
function refineryLooks(open: Json[] = []): void {
  github.get(`${REPO}/git/ref/gastown%2Frefinery%2Fmain`).reply(404, NOT_FOUND);
  github
    .get(`${REPO}/git/ref/heads%2Fmain`)
    .reply(200, gitRefPayload({ ref: "refs/heads/main", sha: MAIN_SHA }));
  github
    .get(`${REPO}/pulls`)
    .query({ state: "open", base: "main", sort: "created", direction: "asc", per_page: 100 })
    .reply(200, open);
  github.get(`${REPO}/branches/main/protection`).reply(404, NOT_FOUND);
  github.get(`${REPO}/rules/branches/main`).query(true).reply(200, []);
}

/** The events that only make the refinery look: one tick, an empty queue, nothing written. */
function refineryTicks(name: string, action: string | null, patch: (payload: Json) => void = () => {}): void {
  it("runs one refinery tick, which finds nothing to do and writes nothing", async () => {
    const payload = webhook(name, action, (p) => {
      if (action !== null) p.action = action;
      patch(p);
    });
    noConfig();
    refineryLooks();
    await receive(name, payload);
  });
}

beforeEach(async () => {
  nock.disableNetConnect();
  github = nock(API);
  probot = new Probot({
    githubToken: "test",
    log: pino({ level: process.env.APP_TEST_LOG ?? "silent" }),
    Octokit: ProbotOctokit.defaults((instance: Record<string, unknown>) => ({
      ...instance,
      throttle: { ...(instance.throttle as object | undefined), enabled: false },
      retry: { enabled: false },
    })),
  });
  await probot.load(createGastownApp({ appLogin: "gastown[bot]", configTtlMs: 0 }));
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(pending).toEqual([]);
});

describe("issue_comment.created", () => {
  describe("when a comment asks for /help", () => {
    it("reacts and replies with the commands", async () => {
      const payload = webhook("issue_comment", "created", (p) => {
        Object.assign(p.comment as Json, { id: 11, body: "/help" });
        Object.assign(p.issue as Json, { number: 3 });
      });
      noConfig();
      github.post(`${REPO}/issues/comments/11/reactions`, { content: "eyes" }).reply(201, {});
      github
        .post(
          `${REPO}/issues/3/comments`,
          (b: { body: string }) => b.body.includes("/sling") && b.body.includes("/convoy feed"),
        )
        .reply(201, { id: 12, body: "ok" });
      await receive("issue_comment", payload);
    });
  });

  describe("when a reader @mentions the app without a command", () => {
    it("reacts and answers with the commands, passing nothing on", async () => {
      const payload = webhook("issue_comment", "created", (p) => {
        Object.assign(p.comment as Json, { id: 21, body: "@gastown could you take a look?" });
        Object.assign((p.comment as Json).user as Json, { login: "rita", type: "User" });
        Object.assign(p.issue as Json, { number: 3 });
      });
      noConfig();
      github.post(`${REPO}/issues/comments/21/reactions`).reply(201, {});
      github
        .get(`${REPO}/collaborators/rita/permission`)
        .reply(200, { permission: "read", role_name: "read" });
      github
        .post(
          `${REPO}/issues/3/comments`,
          (b: { body: string }) => b.body.startsWith("Hi @rita") && !b.body.includes("Mayor"),
        )
        .reply(201, { id: 22 });
      await receive("issue_comment", payload);
    });
  });
});

describe("issues.opened", () => {
  describe("when the new issue's body holds a command", () => {
    it("runs it for the author, reacting on the issue", async () => {
      const payload = webhook("issues", "opened", (p) => {
        Object.assign(p.issue as Json, { number: 5, body: "Please triage.\n\n/help sling\n" });
      });
      noConfig();
      github.post(`${REPO}/issues/5/reactions`, { content: "eyes" }).reply(201, {});
      github
        .post(`${REPO}/issues/5/comments`, (b: { body: string }) => b.body.includes("**/sling**"))
        .reply(201, {});
      await receive("issues", payload);
    });
  });

  describe("when the body holds no command", () => {
    it("makes no request", async () => {
      await receive(
        "issues",
        webhook("issues", "opened", (p) => Object.assign(p.issue as Json, { body: "Just a bug." })),
      );
    });
  });
});

describe("issues.labeled", () => {
  describe("when a reader adds gt/sling", () => {
    it("takes the label off and refuses, slinging nothing", async () => {
      const payload = webhook("issues", "labeled", (p) => {
        Object.assign(p.issue as Json, { number: 7 });
        p.label = labelPayload({ name: "gt/sling" });
        from(p, "rita");
      });
      noConfig();
      github.delete(`${REPO}/issues/7/labels/gt%2Fsling`).reply(200, []);
      github
        .get(`${REPO}/collaborators/rita/permission`)
        .reply(200, { permission: "read", role_name: "read" });
      github
        .post(`${REPO}/issues/7/comments`, (b: { body: string }) => b.body.startsWith("Sorry @rita"))
        .reply(201, {});
      await receive("issues", payload);
    });
  });

  describe("when the app adds a label itself", () => {
    it("makes no request", async () => {
      await receive(
        "issues",
        webhook("issues", "labeled", (p) => {
          p.label = labelPayload({ name: "status/hooked" });
          from(p, "gastown[bot]", "Bot");
        }),
      );
    });
  });
});

describe("issues.unlabeled", () => {
  describe("when a triager takes status/hooked off a hooked bead", () => {
    it("puts the label back and says who may release it", async () => {
      const payload = webhook("issues", "unlabeled", (p) => {
        Object.assign(p.issue as Json, { number: 8 });
        p.label = labelPayload({ name: "status/hooked" });
        from(p, "tina");
      });
      noConfig();
      github
        .get(`${REPO}/collaborators/tina/permission`)
        .reply(200, { permission: "read", role_name: "triage" });
      github
        .get(`${REPO}/git/ref/gastown%2Fhooks%2F8`)
        .reply(200, gitRefPayload({ ref: "refs/gastown/hooks/8", sha: "ta9" }));
      github.get(`${REPO}/git/tags/ta9`).reply(
        200,
        gitTagPayload({
          sha: "ta9",
          object: "c0ffee",
          message: encodeHolder({ polecat: "nux", bead: 8, attempt: 1, at: "2026-01-01T00:00:00Z" }),
        }),
      );
      github.post(`${REPO}/issues/8/labels`, { labels: ["status/hooked"] }).reply(200, []);
      github
        .post(`${REPO}/issues/8/comments`, (b: { body: string }) => b.body.startsWith("Sorry @tina"))
        .reply(201, {});
      await receive("issues", payload);
    });
  });
});

describe("issues.closed", () => {
  describe("when a bead in no convoy closes", () => {
    it("frees finished slots, finds no queue and no gate waiting on it", async () => {
      const payload = webhook("issues", "opened", (p) => {
        p.action = "closed";
        Object.assign(p.issue as Json, {
          number: 9,
          state: "closed",
          state_reason: "completed",
          milestone: null,
        });
      });
      noConfig();
      for (const slot of [0, 1, 2])
        github.get(`${REPO}/git/ref/gastown%2Fslots%2F${slot}`).reply(404, NOT_FOUND);
      github
        .get(`${REPO}/issues`)
        .query({ per_page: 100, state: "open", labels: "status/queued" })
        .reply(200, []);
      github
        .get(`${REPO}/issues`)
        .query({ per_page: 100, state: "open", labels: "type/gate" })
        .reply(200, [
          issuePayload({
            number: 30,
            labels: ["type/gate"],
            body: body("Waits.", { others: { gate: { type: "bead", id: "9" }, gateFor: "ship" } }),
          }),
        ]);
      github
        .post(`${REPO}/issues/30/comments`, (b: { body: string }) => b.body.includes("#9 was closed"))
        .reply(201, {});
      github
        .patch(`${REPO}/issues/30`, { state: "closed", state_reason: "completed" })
        .reply(200, issuePayload({ number: 30, state: "closed" }));
      await receive("issues", payload);
    });
  });
});

describe("issues.reopened", () => {
  describe("when a bead of a landed convoy reopens", () => {
    it("reopens the convoy and clears its landing record", async () => {
      const landed = renderConvoyDescription("", {
        landedAt: "2026-01-05T00:00:00Z",
        notifiedAt: "2026-01-05T00:00:00Z",
      });
      const payload = webhook("issues", "reopened", (p) => {
        Object.assign(p.issue as Json, {
          number: 10,
          milestone: { ...milestonePayload({ number: 4, state: "closed" }) },
        });
      });
      noConfig();
      github
        .get(`${REPO}/milestones/4`)
        .times(2)
        .reply(200, milestonePayload({ number: 4, state: "closed", description: landed }));
      github
        .get(`${REPO}/issues/10`)
        .reply(200, issuePayload({ number: 10, milestone: { number: 4, title: "Convoy 4" } }));
      github
        .patch(
          `${REPO}/milestones/4`,
          (b: { state?: string; description?: string }) =>
            b.state === "open" && !b.description?.includes("landedAt"),
        )
        .reply(200, milestonePayload({ number: 4 }));
      github.delete(`${REPO}/git/refs/gastown%2Fconvoys%2F4%2Flanded`).reply(204);
      github.get(`${REPO}/milestones/4`).reply(200, milestonePayload({ number: 4 }));
      await receive("issues", payload);
    });
  });
});

describe("issues.milestoned", () => {
  describe("when a writer adds a bead to a feeding convoy someone is working on", () => {
    it("leaves the convoy to finish its current bead", async () => {
      const feeding = renderConvoyDescription("", { others: { feed: true } });
      const payload = webhook("issues", "milestoned", (p) => {
        // The example's issue is a pull request; a bead is not.
        delete (p.issue as Json).pull_request;
        Object.assign(p.issue as Json, { number: 12 });
        p.milestone = milestonePayload({ number: 1, description: feeding });
        from(p, "alice");
      });
      noConfig();
      github
        .get(`${REPO}/milestones/1`)
        .times(2)
        .reply(200, milestonePayload({ number: 1, description: feeding }));
      github
        .get(`${REPO}/collaborators/alice/permission`)
        .reply(200, { permission: "write", role_name: "write" });
      github
        .get(`${REPO}/issues`)
        .query({ per_page: 100, state: "all", milestone: "1" })
        .reply(200, [
          issuePayload({
            number: 11,
            labels: ["status/hooked"],
            milestone: { number: 1, title: "Convoy 1" },
          }),
          issuePayload({ number: 12, milestone: { number: 1, title: "Convoy 1" } }),
        ]);
      await receive("issues", payload);
    });
  });
});

describe("milestone.closed", () => {
  describe("when a person closes a convoy with open beads", () => {
    it("checks it, and lands nothing", async () => {
      const payload = webhook("milestone", "closed", (p) =>
        Object.assign(p.milestone as Json, { number: 2 }),
      );
      noConfig();
      github.get(`${REPO}/milestones/2`).reply(200, milestonePayload({ number: 2, state: "closed" }));
      github
        .get(`${REPO}/issues`)
        .query({ per_page: 100, state: "all", milestone: "2" })
        .reply(200, [issuePayload({ number: 13, milestone: { number: 2, title: "Convoy 2" } })]);
      await receive("milestone", payload);
    });
  });
});

describe("milestone.opened", () => {
  describe("when a person reopens a convoy that does not feed", () => {
    it("slings nothing", async () => {
      const payload = webhook("milestone", "created", (p) => {
        p.action = "opened";
        Object.assign(p.milestone as Json, { number: 3 });
      });
      noConfig();
      github.get(`${REPO}/milestones/3`).reply(200, milestonePayload({ number: 3 }));
      await receive("milestone", payload);
    });
  });
});

describe("pull_request.closed", () => {
  const gate = (id: string) =>
    issuePayload({
      number: 40,
      labels: ["type/gate"],
      body: body("Holds `publish`.", {
        molecule: 39,
        others: { gate: { type: "gh:pr", id }, gateFor: "publish" },
      }),
    });

  describe("when the pull request a gh:pr gate waits for is merged", () => {
    it("opens the gate", async () => {
      const payload = webhook("pull_request", "closed", (p) => {
        Object.assign(p.pull_request as Json, { merged: true, number: 2 });
      });
      noConfig();
      refineryLooks();
      github
        .get(`${REPO}/issues`)
        .query({ per_page: 100, state: "open", labels: "type/gate" })
        .reply(200, [gate("#2")]);
      github
        .post(
          `${REPO}/issues/40/comments`,
          (b: { body: string }) => b.body.includes("was merged") && b.body.includes("`publish`"),
        )
        .reply(201, {});
      github
        .patch(`${REPO}/issues/40`, { state: "closed", state_reason: "completed" })
        .reply(200, issuePayload({ number: 40 }));
      await receive("pull_request", payload);
    });
  });

  describe("when it is closed without merging", () => {
    it("leaves the gate shut, with a note", async () => {
      const payload = webhook("pull_request", "closed", (p) =>
        Object.assign(p.pull_request as Json, { merged: false }),
      );
      noConfig();
      refineryLooks();
      github
        .get(`${REPO}/issues`)
        .query({ per_page: 100, state: "open", labels: "type/gate" })
        .reply(200, [gate("changes")]);
      github
        .post(`${REPO}/issues/40/comments`, (b: { body: string }) => b.body.includes("without merging"))
        .reply(201, {});
      await receive("pull_request", payload);
    });
  });
});

describe("workflow_run.completed", () => {
  describe("when the workflow a gh:run gate names succeeds", () => {
    it("opens the gate", async () => {
      const payload = webhook("workflow_run", "completed", (p) => {
        Object.assign(p.workflow_run as Json, {
          path: ".github/workflows/release.yml",
          name: "Release",
          conclusion: "success",
          created_at: "2026-02-01T00:00:00Z",
        });
      });
      noConfig();
      refineryLooks();
      github
        .get(`${REPO}/issues`)
        .query({ per_page: 100, state: "open", labels: "type/gate" })
        .reply(200, [
          issuePayload({
            number: 41,
            labels: ["type/gate"],
            created_at: "2026-01-31T00:00:00Z",
            body: body("Holds `publish`.", {
              others: { gate: { type: "gh:run", id: "release.yml" }, gateFor: "publish" },
            }),
          }),
        ]);
      github
        .post(`${REPO}/issues/41/comments`, (b: { body: string }) => b.body.includes("succeeded"))
        .reply(201, {});
      github
        .patch(`${REPO}/issues/41`, { state: "closed", state_reason: "completed" })
        .reply(200, issuePayload({ number: 41 }));
      await receive("workflow_run", payload);
    });
  });

  describe("when a polecat run completes", () => {
    it("frees its slot and slings the queue (empty here)", async () => {
      const payload = webhook("workflow_run", "completed", (p) => {
        Object.assign(p.workflow_run as Json, {
          path: ".github/workflows/polecat.yml",
          name: "polecat",
          conclusion: "success",
        });
      });
      noConfig();
      for (const slot of [0, 1, 2])
        github.get(`${REPO}/git/ref/gastown%2Fslots%2F${slot}`).reply(404, NOT_FOUND);
      github
        .get(`${REPO}/issues`)
        .query({ per_page: 100, state: "open", labels: "status/queued" })
        .reply(200, []);
      github
        .get(`${REPO}/issues`)
        .query({ per_page: 100, state: "open", labels: "type/gate" })
        .reply(200, []);
      await receive("workflow_run", payload);
    });
  });
});

describe("workflow_job.completed", () => {
  describe("when a polecat's job fails while its bead is hooked", () => {
    it("notes it on the bead", async () => {
      const payload = webhook("workflow_job", "completed", (p) => {
        Object.assign(p.workflow_job as Json, { conclusion: "failure", run_id: 777, name: "polecat" });
      });
      noConfig();
      github
        .get(`${REPO}/issues`)
        .query({ per_page: 100, state: "open", labels: "status/hooked" })
        .reply(200, [
          issuePayload({
            number: 14,
            labels: ["status/hooked"],
            body: body("Work.", { polecat: "nux", run: 777, attempt: 1 }),
          }),
          issuePayload({
            number: 15,
            labels: ["status/hooked"],
            body: body("Other.", { polecat: "ace", run: 778, attempt: 1 }),
          }),
        ]);
      github
        .post(
          `${REPO}/issues/14/comments`,
          (b: { body: string }) => b.body.includes("ended failure") && b.body.includes("attempt 2"),
        )
        .reply(201, {});
      await receive("workflow_job", payload);
    });
  });

  describe("when a job succeeds", () => {
    it("makes no request", async () => {
      await receive(
        "workflow_job",
        webhook("workflow_job", "completed", (p) =>
          Object.assign(p.workflow_job as Json, { conclusion: "success" }),
        ),
      );
    });
  });
});

describe("push", () => {
  describe("when a push to the default branch breaks .github/gastown.yml", () => {
    it("puts a failing check with the location on the pushed commit", async () => {
      const payload = webhook("push", null, (p) => {
        Object.assign(p, { ref: "refs/heads/main", after: "abc123", deleted: false });
        p.commits = [
          { ...((p.commits as Json[])[0] ?? {}), added: [], removed: [], modified: [".github/gastown.yml"] },
        ];
      });
      github.get(CONFIG).reply(200, {
        type: "file",
        encoding: "base64",
        path: ".github/gastown.yml",
        sha: "f1",
        content: Buffer.from("max_polecats: many\n").toString("base64"),
      });
      // The refinery's handler of the same push reuses that read (the defaults, the file being
      // broken) and looks at the queue, since the base moved.
      refineryLooks();
      github
        .get(`${REPO}/commits/abc123/check-runs`)
        .query(true)
        .reply(200, { total_count: 0, check_runs: [] });
      github
        .post(
          `${REPO}/check-runs`,
          (b: { name: string; head_sha: string; conclusion: string; output: { summary: string } }) =>
            b.name === "Gas Town config" &&
            b.head_sha === "abc123" &&
            b.conclusion === "failure" &&
            b.output.summary.includes(".github/gastown.yml:1:15"),
        )
        .reply(201, { id: 1 });
      await receive("push", payload);
    });
  });

  describe("when a push to the base leaves the config alone", () => {
    it("only makes the refinery look (the base moved)", async () => {
      noConfig();
      refineryLooks();
      await receive(
        "push",
        webhook("push", null, (p) =>
          Object.assign(p, { ref: "refs/heads/main", commits: [], head_commit: null }),
        ),
      );
    });
  });

  describe("when a push goes to another branch (the refinery's own staging, say)", () => {
    it("makes no request but the config read", async () => {
      noConfig();
      await receive(
        "push",
        webhook("push", null, (p) =>
          Object.assign(p, { ref: "refs/heads/gastown/staging", commits: [], head_commit: null }),
        ),
      );
    });
  });
});

/** The requests `gt doctor --fix` makes on a fresh repository; returns the labels it creates. */
function setUpRepository(): string[] {
  const created: string[] = [];
  noConfig();
  github.get(REPO).reply(200, {
    full_name: "acme/app",
    default_branch: "main",
    private: false,
    has_issues: true,
  });
  github.get(`${REPO}/labels`).query(true).reply(200, []);
  const labels = taxonomyLabels(defaultTaxonomy);
  github
    .post(`${REPO}/labels`, (b: { name: string }) => created.push(b.name) > 0)
    .times(labels.length)
    .reply(201, labelPayload({ name: "created" }));
  github.get(`${REPO}/issues`).query(true).times(2).reply(200, []);
  github.get(`${REPO}/git/matching-refs/gastown%2Fhooks%2F`).query(true).reply(200, []);
  return created;
}

describe("pull_request.opened", () => refineryTicks("pull_request", "opened"));
describe("pull_request.reopened", () => refineryTicks("pull_request", "reopened"));
describe("pull_request.synchronize", () => refineryTicks("pull_request", "synchronize"));
describe("pull_request.ready_for_review", () => refineryTicks("pull_request", "ready_for_review"));
describe("pull_request.converted_to_draft", () => refineryTicks("pull_request", "converted_to_draft"));
describe("pull_request.edited", () =>
  refineryTicks("pull_request", "opened", (p) => Object.assign(p, { action: "edited" })));
describe("pull_request.enqueued", () =>
  refineryTicks("pull_request", "opened", (p) => Object.assign(p, { action: "enqueued" })));
describe("pull_request.dequeued", () =>
  refineryTicks("pull_request", "opened", (p) =>
    Object.assign(p, { action: "dequeued", reason: "CI_FAILURE" }),
  ));
describe("pull_request_review.submitted", () => refineryTicks("pull_request_review", "submitted"));
describe("pull_request_review.dismissed", () => refineryTicks("pull_request_review", "dismissed"));
describe("check_suite.completed", () => refineryTicks("check_suite", "completed"));

describe("pull_request.labeled", () => {
  describe("when the label is the queue label", () =>
    refineryTicks("pull_request", "labeled", (p) => Object.assign(p.label as Json, { name: "gt/queue" })));

  describe("when it is any other label", () => {
    it("reads the config and nothing else", async () => {
      noConfig();
      await receive(
        "pull_request",
        webhook("pull_request", "labeled", (p) => Object.assign(p.label as Json, { name: "bug" })),
      );
    });
  });
});

describe("pull_request.unlabeled", () => {
  describe("when a writer takes the queue label off a pull request", () => {
    it("parks it in the refinery's state as dequeued by them", async () => {
      const head = "b".repeat(40);
      const payload = webhook("pull_request", "unlabeled", (p) => {
        Object.assign(p.label as Json, { name: "gt/queue" });
        Object.assign(p.pull_request as Json, { number: 5 });
        from(p, "ada");
      });
      const pull = structuredClone(payload.pull_request as Json);
      Object.assign(pull, { number: 5, draft: false, labels: [] });
      Object.assign(pull.head as Json, { sha: head });
      noConfig();
      refineryLooks([pull]);
      github
        .get(`${REPO}/git/ref/heads%2Fmain`)
        .reply(200, gitRefPayload({ ref: "refs/heads/main", sha: MAIN_SHA }));
      github
        .get(`${REPO}/git/commits/${MAIN_SHA}`)
        .reply(200, { sha: MAIN_SHA, tree: { sha: "c".repeat(40) }, parents: [], message: "base" });
      let stored = "";
      github
        .post(`${REPO}/git/commits`, (b: { message: string; parents: string[] }) => {
          stored = b.message;
          return b.parents.length === 0;
        })
        .reply(201, { sha: "d".repeat(40) });
      github
        .post(`${REPO}/git/refs`, { ref: "refs/gastown/refinery/main", sha: "d".repeat(40) })
        .reply(201, {});
      await receive("pull_request", payload);
      const state = JSON.parse(stored.slice(stored.indexOf("\n\n") + 2)) as { parked: unknown[] };
      expect(state.parked).toEqual([
        expect.objectContaining({ pr: 5, headSha: head, cause: "dequeued", sticky: true }),
      ]);
    });
  });
});

describe("check_run.completed", () => {
  describe("when CI's check completes", () =>
    refineryTicks("check_run", "completed", (p) => Object.assign(p.check_run as Json, { name: "ci/test" })));

  describe("when it is the refinery's own check", () => {
    it("makes no request at all (it would loop)", async () => {
      await receive(
        "check_run",
        webhook("check_run", "completed", (p) =>
          Object.assign(p.check_run as Json, { name: "gastown/refinery" }),
        ),
      );
    });
  });
});

describe("status", () => {
  describe("when a status settles", () =>
    refineryTicks("status", null, (p) => Object.assign(p, { state: "success", context: "ci/legacy" })));

  describe("when a status is only pending", () => {
    it("makes no request at all", async () => {
      await receive(
        "status",
        webhook("status", null, (p) => Object.assign(p, { state: "pending" })),
      );
    });
  });
});

describe("installation.created", () => {
  it("sets up the labels of every repository it was installed on", async () => {
    const payload = webhook("installation", "created", (p) => {
      p.repositories = [{ id: 1, node_id: "R_1", name: "app", full_name: "acme/app", private: false }];
    });
    const created = setUpRepository();
    await receive("installation", payload);
    expect(created).toEqual(taxonomyLabels(defaultTaxonomy).map((label) => label.name));
  });
});

describe("installation_repositories.added", () => {
  it("sets up the labels of each repository added", async () => {
    const payload = webhook("installation_repositories", "added", (p) => {
      p.repositories_added = [{ id: 1, node_id: "R_1", name: "app", full_name: "acme/app", private: false }];
    });
    const created = setUpRepository();
    await receive("installation_repositories", payload);
    expect(created).toContain("gt/sling");
  });
});

describe("the routing table", () => {
  it("has a test above for every routed event", async () => {
    const { readFile } = await import("node:fs/promises");
    const source = await readFile(new URL(import.meta.url), "utf8");
    for (const event of ROUTED_EVENTS) expect(source, event).toContain(`describe("${event}"`);
  });
});
