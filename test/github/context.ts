// A gateway context on a nock-intercepted GitHub: retries and throttling off so every request a
// test expects is made exactly once.
import nock from "nock";
import { createOctokit, type GitHubContext } from "../../src/github/octokit.ts";
import { API, OWNER, REPO } from "./payloads.ts";

export const TOKEN = "ghp_testtoken0123456789abcdefghijklmnop";

export function testContext(): GitHubContext {
  return {
    octokit: createOctokit({ auth: TOKEN, retry: false, throttle: false }),
    repo: { owner: OWNER, repo: REPO },
  };
}

/** nock scope on the repo's API root. */
export function github(): nock.Scope {
  return nock(API);
}

export const repoPath = `/repos/${OWNER}/${REPO}`;
