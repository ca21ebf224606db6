import nock from "nock";
import type { ProbotOctokit } from "probot";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createOctokit, type GitHubClient, parseRepoRef } from "../../src/github/octokit.ts";
import type { Logger } from "../../src/log.ts";
import { github, repoPath, TOKEN } from "./context.ts";
import { issuePayload } from "./payloads.ts";

function recordingLogger(): Logger & { lines: Array<[string, string, Record<string, unknown>]> } {
  const lines: Array<[string, string, Record<string, unknown>]> = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => {
    lines.push([level, message, fields]);
  };
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe("createOctokit", () => {
  it("sends the token and user agent to the given API root", async () => {
    nock("https://ghe.example.com/api/v3", {
      reqheaders: { authorization: `token ${TOKEN}`, "user-agent": /^gastown-github/ },
    })
      .get(`${repoPath}/issues/1`)
      .reply(200, issuePayload({ number: 1 }));
    const octokit = createOctokit({
      auth: TOKEN,
      baseUrl: "https://ghe.example.com/api/v3/",
      retry: false,
      throttle: false,
    });
    const { data } = await octokit.rest.issues.get({ owner: "acme", repo: "app", issue_number: 1 });
    expect(data.number).toBe(1);
  });

  describe("when GitHub answers a server error", () => {
    it("retries a GET", async () => {
      github().get(`${repoPath}/issues/1`).reply(502, { message: "Bad Gateway" });
      github()
        .get(`${repoPath}/issues/1`)
        .reply(200, issuePayload({ number: 1 }));
      const octokit = createOctokit({ auth: TOKEN, retry: { baseDelayMs: 1 }, throttle: false });
      const { data } = await octokit.rest.issues.get({ owner: "acme", repo: "app", issue_number: 1 });
      expect(data.number).toBe(1);
    });

    it("never repeats a POST, which may have gone through", async () => {
      github().post(`${repoPath}/issues`).reply(502, { message: "Bad Gateway" });
      const octokit = createOctokit({ auth: TOKEN, retry: { baseDelayMs: 1 }, throttle: false });
      await expect(
        octokit.rest.issues.create({ owner: "acme", repo: "app", title: "x" }),
      ).rejects.toMatchObject({
        status: 502,
      });
    });
  });

  describe("when GitHub answers a secondary rate limit", () => {
    const limited = {
      message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
    };

    it("logs it and retries once after retry-after", async () => {
      github().get(`${repoPath}/issues/2`).reply(403, limited, { "retry-after": "1" });
      github()
        .get(`${repoPath}/issues/2`)
        .reply(200, issuePayload({ number: 2 }));
      const log = recordingLogger();
      const octokit = createOctokit({ auth: TOKEN, log, retry: false, throttle: { retryAfterBaseMs: 1 } });
      const { data } = await octokit.rest.issues.get({ owner: "acme", repo: "app", issue_number: 2 });
      expect(data.number).toBe(2);
      expect(log.lines.filter(([level]) => level === "warn")).toEqual([
        [
          "warn",
          "GitHub secondary rate limit reached",
          expect.objectContaining({ retryAfter: 1, retryCount: 0 }),
        ],
      ]);
    });

    it("gives up after the one retry", async () => {
      github().get(`${repoPath}/issues/3`).times(2).reply(403, limited, { "retry-after": "1" });
      const octokit = createOctokit({ auth: TOKEN, retry: false, throttle: { retryAfterBaseMs: 1 } });
      await expect(
        octokit.rest.issues.get({ owner: "acme", repo: "app", issue_number: 3 }),
      ).rejects.toMatchObject({
        status: 403,
      });
    });
  });

  it("accepts Probot's octokit wherever a gateway takes a client", () => {
    // A compile-time check: the app passes context.octokit straight to the gateways.
    const accept = (client: ProbotOctokit): GitHubClient => client;
    expect(typeof accept).toBe("function");
  });
});

describe("parseRepoRef", () => {
  it("reads owner/name and refuses anything else", () => {
    expect(parseRepoRef("acme/app")).toEqual({ owner: "acme", repo: "app" });
    expect(parseRepoRef("acme")).toBeNull();
    expect(parseRepoRef("acme/app/x")).toBeNull();
  });
});
