// Where the CLI finds its repository, token and API, and how it treats terminal text: pure
// checks plus a few runs that stop before any request.
import { describe, expect, it } from "vitest";
import { type CliHost, repoFromRemote, resolveContext } from "../../src/cli/context.ts";
import { runBd } from "../../src/cli/run.ts";
import { oneLine, sanitize, wantsColour } from "../../src/cli/text.ts";
import { silentLogger } from "../../src/log.ts";

function host(overrides: Partial<CliHost> = {}): CliHost {
  return {
    env: {},
    cwd: "/work",
    ghToken: () => Promise.resolve(undefined),
    gitRemote: () => Promise.resolve(undefined),
    log: silentLogger,
    ...overrides,
  };
}

describe("the CLI context", () => {
  describe("when the repository comes from the git remote", () => {
    it.each([
      ["https://github.com/acme/app.git", "acme/app"],
      ["git@github.com:acme/app.git", "acme/app"],
      ["ssh://git@github.example.com/acme/app", "acme/app"],
      ["http://127.0.0.1:4321/acme/app.git", "acme/app"],
      ["https://x-access-token:secret@github.com/acme/app/", "acme/app"],
    ])("reads %s as %s", (url, expected) => {
      const repo = repoFromRemote(url);
      expect(repo && `${repo.owner}/${repo.repo}`).toBe(expected);
    });

    it("is used when neither --repo nor GASTOWN_REPO is given", async () => {
      const context = await resolveContext(
        host({
          env: { GH_TOKEN: "ghp_fromenv" },
          gitRemote: () => Promise.resolve("git@github.com:acme/app.git"),
        }),
        {},
      );
      expect(context).toMatchObject({
        repo: { owner: "acme", repo: "app" },
        repoSource: "git remote",
        tokenSource: "GH_TOKEN",
      });
    });
  });

  describe("when settings compete", () => {
    it("prefers --repo to GASTOWN_REPO, GITHUB_TOKEN to GH_TOKEN, and --api-url to GITHUB_API_URL", async () => {
      const context = await resolveContext(
        host({
          env: {
            GASTOWN_REPO: "acme/env",
            GITHUB_TOKEN: "t1",
            GH_TOKEN: "t2",
            GITHUB_API_URL: "https://ghe.example/api/v3",
          },
        }),
        { repo: "acme/flag", apiUrl: "http://127.0.0.1:9/" },
      );
      expect(context).toMatchObject({
        repo: { owner: "acme", repo: "flag" },
        token: "t1",
        apiUrl: "http://127.0.0.1:9",
      });
    });

    it("falls back to `gh auth token`, asking gh for the Enterprise host when the API is one", async () => {
      const asked: Array<string | undefined> = [];
      const ghToken = (hostname?: string) => {
        asked.push(hostname);
        return Promise.resolve("gho_fromgh\n");
      };
      const context = await resolveContext(host({ env: { GASTOWN_REPO: "acme/app" }, ghToken }), {});
      expect(context).toMatchObject({ token: "gho_fromgh", tokenSource: "gh auth token" });
      await resolveContext(host({ env: { GASTOWN_REPO: "acme/app" }, ghToken }), {
        apiUrl: "https://api.github.com",
      });
      await resolveContext(host({ env: { GASTOWN_REPO: "acme/app" }, ghToken }), {
        apiUrl: "https://ghe.example.com/api/v3",
      });
      expect(asked).toEqual([undefined, undefined, "ghe.example.com"]);
    });
  });

  describe("when something is missing or malformed", () => {
    it("says there is no repository and how to give one", async () => {
      const result = await runBd(["ready"], { env: { GITHUB_TOKEN: "t" } });
      expect(result).toEqual({
        code: 1,
        stdout: "",
        stderr:
          "error: No repository to work on.\nhint: Pass --repo owner/name, set GASTOWN_REPO, or run inside a clone whose origin remote is on GitHub.\n",
      });
    });

    it("refuses a malformed --repo and --api-url", async () => {
      const repo = await runBd(["ready", "--repo", "not a repo"], { env: { GITHUB_TOKEN: "t" } });
      expect(repo.stderr).toContain('error: --repo "not a repo" is not a repository name.');
      const api = await runBd(["ready", "--api-url", "ftp://x"], {
        env: { GITHUB_TOKEN: "t", GASTOWN_REPO: "a/b" },
      });
      expect(api.stderr).toContain('error: "ftp://x" is not an API URL.');
    });
  });
});

describe("terminal text", () => {
  it("strips escape sequences and control characters from untrusted text", () => {
    expect(sanitize("a\u001b[31mred\u001b[0m b\u001b]0;title\u0007c\u0008d\u009b2Je")).toBe("ared bcde");
    expect(sanitize("line 1\r\nline 2")).toBe("line 1\nline 2");
    expect(oneLine("Title\nwith\tbreaks\u001b]8;;http://evil\u001b\\link\u001b]8;;\u001b\\")).toBe(
      "Title with breakslink",
    );
  });

  it("colours only a terminal, never with NO_COLOR, always with FORCE_COLOR", () => {
    expect(wantsColour({}, true)).toBe(true);
    expect(wantsColour({}, false)).toBe(false);
    expect(wantsColour({ NO_COLOR: "1" }, true)).toBe(false);
    expect(wantsColour({ FORCE_COLOR: "1" }, false)).toBe(true);
    expect(wantsColour({ FORCE_COLOR: "0" }, true)).toBe(false);
    expect(wantsColour({ TERM: "dumb" }, true)).toBe(false);
  });
});
