import { Octokit } from "@octokit/rest";
import { afterEach, describe, expect, it } from "vitest";
import { toGastownError } from "../../src/github/errors.ts";
import type { SimOptions, SimRepo } from "../../src/sim/index.ts";
import { RateLimiter, RateLimitError } from "../../src/sim/rate-limit.ts";
import type { SimToken } from "../../src/sim/state.ts";
import { startTestSim, type TestSim } from "../helpers/sim.ts";

const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** What a failed Octokit call carries: its status, GitHub's message and the response headers. */
async function refusal(call: Promise<unknown>): Promise<{
  status: number;
  message: string;
  headers: Record<string, string | number | undefined>;
  error: unknown;
}> {
  try {
    await call;
  } catch (error: unknown) {
    const e = error as {
      status: number;
      response: { data: { message: string }; headers: Record<string, string | number | undefined> };
    };
    return { status: e.status, message: e.response.data.message, headers: e.response.headers, error };
  }
  throw new Error("expected the call to be refused");
}

describe("GitHub's primary rate limit on the loopback GitHub", () => {
  let sim: TestSim | undefined;
  let repo: SimRepo;
  const at = { owner: "acme", repo: "app" } as const;
  const kit = (auth: string): Octokit => new Octokit({ baseUrl: sim?.url ?? "", auth, log: quiet });

  const start = async (options: SimOptions = {}): Promise<TestSim> => {
    sim = await startTestSim(options);
    repo = await sim.createRepo({ owner: "acme", name: "app" });
    sim.setPermission(repo, "reader", "read");
    return sim;
  };
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });

  describe("when requests are answered", () => {
    it("reports each caller's own count against GitHub's limits, errors included", async () => {
      const s = await start();
      const app = kit(s.token({ kind: "installation" }));
      const reader = kit(s.token({ kind: "user", login: "reader" }));

      await app.rest.repos.get(at);
      const second = await app.rest.issues.listForRepo(at);
      expect(second.headers).toMatchObject({
        "x-ratelimit-limit": "5000",
        "x-ratelimit-used": "2",
        "x-ratelimit-remaining": "4998",
        "x-ratelimit-resource": "core",
      });
      expect(Number(second.headers["x-ratelimit-reset"])).toBeGreaterThan(Date.now() / 1000);

      // Another installation token shares the installation's count; a user has their own.
      const sameInstallation = await kit(s.token({ kind: "installation" })).rest.repos.get(at);
      expect(sameInstallation.headers["x-ratelimit-used"]).toBe("3");
      const refused = await refusal(reader.rest.issues.createLabel({ ...at, name: "x" }));
      expect(refused.status).toBe(403);
      expect(refused.headers).toMatchObject({ "x-ratelimit-limit": "5000", "x-ratelimit-used": "1" });

      const workflow = kit(s.token({ kind: "workflow", repos: ["acme/app"], permission: "write" }));
      expect((await workflow.rest.repos.get(at)).headers).toMatchObject({
        "x-ratelimit-limit": "1000",
        "x-ratelimit-used": "1",
      });
      const anonymous = await kit("").rest.repos.get(at);
      expect(anonymous.headers).toMatchObject({ "x-ratelimit-limit": "60", "x-ratelimit-used": "1" });
    });
  });

  describe("when a caller goes past the limit and it is not enforced", () => {
    it("never reports an exhausted limit, so a refusal still reads as a permission problem", async () => {
      const s = await start({ rateLimit: { limits: { user: 3 } } });
      const reader = kit(s.token({ kind: "user", login: "reader" }));
      for (let i = 0; i < 4; i += 1) await reader.rest.repos.get(at);

      const refused = await refusal(reader.rest.issues.createLabel({ ...at, name: "x" }));
      expect(refused.status).toBe(403);
      expect(refused.headers["x-ratelimit-remaining"]).not.toBe("0");
      expect(toGastownError(refused.error, { action: "create label x" }).code).not.toBe("rate-limited");
    });
  });

  describe("when the limit is enforced", () => {
    it("refuses the request past it with GitHub's 403, and only for that caller", async () => {
      const s = await start({ rateLimit: { limits: { installation: 2 }, enforce: true } });
      const app = kit(s.token({ kind: "installation" }));
      await app.rest.repos.get(at);
      const last = await app.rest.repos.get(at);
      expect(last.headers).toMatchObject({ "x-ratelimit-remaining": "0", "x-ratelimit-used": "2" });

      const refused = await refusal(app.rest.issues.create({ ...at, title: "one too many" }));
      expect(refused.status).toBe(403);
      expect(refused.message).toBe("API rate limit exceeded for installation ID 1.");
      expect(refused.headers).toMatchObject({ "x-ratelimit-limit": "2", "x-ratelimit-remaining": "0" });
      expect(repo.issues.size).toBe(0);
      expect(toGastownError(refused.error, { action: "create an issue" }).code).toBe("rate-limited");

      const user = kit(s.token({ kind: "user", login: "acme" }));
      expect((await user.rest.issues.create({ ...at, title: "still fine" })).status).toBe(201);
    });
  });
});

describe("RateLimiter", () => {
  const token = (kind: SimToken["kind"], login: string, repos?: string[]) => ({
    token: { token: `t-${login}`, kind, login, ...(repos ? { repos } : {}) },
    login,
  });
  const alice = token("user", "alice");
  const bob = token("user", "bob");

  it("keeps one window per caller, and a new one once the hour has passed", () => {
    let now = 1_000_000;
    const limiter = new RateLimiter({ limits: { user: 10 } }, () => now);
    limiter.take(alice);
    limiter.take(alice);
    expect(limiter.take(alice)).toEqual({ limit: 10, used: 3, remaining: 7, reset: 1_003_600 });
    expect(limiter.take(bob)).toMatchObject({ used: 1, remaining: 9 });
    now += 3599;
    expect(limiter.take(alice)).toMatchObject({ used: 4, reset: 1_003_600 });
    now += 1;
    expect(limiter.take(alice)).toEqual({ limit: 10, used: 1, remaining: 9, reset: 1_007_200 });
  });

  it("counts workflow tokens per repository", () => {
    const limiter = new RateLimiter({}, () => 0);
    limiter.take(token("workflow", "github-actions[bot]", ["acme/app"]));
    expect(limiter.take(token("workflow", "github-actions[bot]", ["acme/app"]))).toMatchObject({
      limit: 1000,
      used: 2,
    });
    expect(limiter.take(token("workflow", "github-actions[bot]", ["acme/other"]))).toMatchObject({ used: 1 });
  });

  it("starts a fresh window when unenforced, and refuses when enforced", () => {
    const lenient = new RateLimiter({ limits: { user: 2 } }, () => 100);
    lenient.take(alice);
    expect(lenient.take(alice).remaining).toBe(0);
    expect(lenient.take(alice)).toEqual({ limit: 2, used: 1, remaining: 1, reset: 3700 });

    const strict = new RateLimiter({ limits: { user: 2 }, enforce: true }, () => 100);
    strict.take(alice);
    strict.take(alice);
    expect(() => strict.take(alice)).toThrow(RateLimitError);
    expect(() => strict.take(alice)).toThrow("API rate limit exceeded for user alice.");
    expect(strict.peek(alice)).toEqual({ limit: 2, used: 2, remaining: 0, reset: 3700 });
  });
});
