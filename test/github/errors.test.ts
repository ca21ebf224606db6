import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { toGastownError } from "../../src/github/errors.ts";
import { getBead, listBeads } from "../../src/github/issues.ts";
import { createOctokit } from "../../src/github/octokit.ts";
import { GastownError } from "../../src/model/errors.ts";
import { github, repoPath, TOKEN, testContext } from "./context.ts";

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

const gh = testContext();

async function failure(run: () => Promise<unknown>): Promise<GastownError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof GastownError)) throw new Error(`expected a GastownError, got ${String(error)}`);
  return error;
}

describe("GitHub errors", () => {
  describe("when the token is bad (401)", () => {
    it("says the token was rejected and how to get a good one", async () => {
      github().get(`${repoPath}/issues`).query(true).reply(401, { message: "Bad credentials" });
      const error = await failure(() => listBeads(gh));
      expect(error.code).toBe("unauthorized");
      expect(error.message).toBe(
        "Could not list issues of acme/app: GitHub rejected the token (401 Bad credentials).",
      );
      expect(error.hint).toContain("GITHUB_TOKEN or GH_TOKEN");
      expect(error.status).toBe(401);
    });
  });

  describe("when the repo does not exist (404)", () => {
    it("names the repo and explains that private repos answer 404 too", async () => {
      github().get(`${repoPath}/issues`).query(true).reply(404, { message: "Not Found" });
      const error = await failure(() => listBeads(gh));
      expect(error).toMatchObject({
        code: "not-found",
        message:
          "Could not list issues of acme/app: Repository acme/app does not exist, or the token cannot see it.",
      });
      expect(error.hint).toContain("private repository");
      expect(error.hint).toContain("--repo");
    });
  });

  describe("when the primary rate limit is exhausted (403)", () => {
    it("says when it resets", async () => {
      github().get(`${repoPath}/issues/1`).reply(
        403,
        { message: "API rate limit exceeded for installation." },
        {
          "x-ratelimit-remaining": "0",
          "x-ratelimit-reset": "1767225600",
        },
      );
      const error = await failure(() => getBead(gh, 1));
      expect(error.code).toBe("rate-limited");
      expect(error.message).toContain("It resets at 2026-01-01T00:00:00.000Z.");
    });
  });

  describe("when GitHub refuses the values (422)", () => {
    it("lists GitHub's validation errors", async () => {
      github()
        .get(`${repoPath}/issues`)
        .query(true)
        .reply(422, {
          message: "Validation Failed",
          errors: [
            { resource: "Issue", field: "milestone", code: "invalid" },
            { message: "since is not a date" },
          ],
        });
      const error = await failure(() => listBeads(gh, { milestone: 9 }));
      expect(error.code).toBe("validation");
      expect(error.message).toBe(
        "Could not list issues of acme/app: GitHub refused it (Validation Failed: Issue milestone invalid; since is not a date).",
      );
    });
  });

  describe("when GitHub fails (5xx)", () => {
    it("says to try again later", async () => {
      github().get(`${repoPath}/issues/1`).reply(503, { message: "Service Unavailable" });
      const error = await failure(() => getBead(gh, 1));
      expect(error).toMatchObject({
        code: "unavailable",
        hint: "GitHub is having trouble; try again in a minute.",
      });
    });
  });

  describe("when the network is down", () => {
    it("wraps the error with a hint about the API URL", () => {
      const error = toGastownError(new TypeError("fetch failed"), { action: "list issues" });
      expect(error).toMatchObject({ code: "unavailable", message: "Could not list issues: fetch failed" });
      expect(error.hint).toContain("--api-url");
    });
  });

  describe("never leaking the token", () => {
    it("keeps it out of the message, the hint and the cause", async () => {
      // GitHub echoing a token back must not carry it into our error.
      github()
        .get(`${repoPath}/issues/1`)
        .reply(401, { message: `Bad credentials for ${TOKEN}` });
      const octokit = createOctokit({ auth: TOKEN, retry: false, throttle: false });
      const error = await failure(() => getBead({ ...gh, octokit }, 1));
      const everything = JSON.stringify({
        message: error.message,
        hint: error.hint,
        cause: error.cause,
        stack: error.stack,
      });
      expect(everything).not.toContain(TOKEN);
      expect(error.message).toContain("[REDACTED]");
    });

    it("redacts secrets the caller names", () => {
      const error = toGastownError(new Error("failed with s3cret-session-value"), {
        action: "do a thing",
        secrets: ["s3cret-session-value"],
      });
      expect(error.message).toBe("Could not do a thing: failed with [REDACTED]");
    });
  });

  it("passes a GastownError through unchanged", () => {
    const original = new GastownError("x", { code: "cycle", hint: "y" });
    expect(toGastownError(original, { action: "z" })).toBe(original);
  });
});
