import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type IssueFixture, startIssueFixture } from "../helpers/issue-fixtures.ts";

describe("pagination on the loopback GitHub", () => {
  let fx: IssueFixture;
  const at = { owner: "acme", repo: "app" } as const;
  const TOTAL = 1000;
  beforeAll(async () => {
    fx = await startIssueFixture();
    // Create through the API, a few at a time, as a busy town would.
    const batch = 20;
    for (let start = 0; start < TOTAL; start += batch) {
      await Promise.all(
        Array.from({ length: batch }, (_, i) =>
          fx.app.rest.issues.create({ ...at, title: `Issue ${start + i}` }),
        ),
      );
    }
  });
  afterAll(async () => {
    await fx.stop();
  });

  it("an Octokit pointed at the sim paginates 1,000 issues correctly", async () => {
    const issues = await fx.app.paginate(fx.app.rest.issues.listForRepo, {
      ...at,
      state: "all",
      per_page: 100,
    });
    expect(issues).toHaveLength(TOTAL);
    const numbers = new Set(issues.map((i) => i.number));
    expect(numbers.size).toBe(TOTAL);
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    expect(new Set(issues.map((i) => i.title)).size).toBe(TOTAL);
  });

  it("sets Link headers with next and last (and prev and first past page one)", async () => {
    const first = await fx.app.rest.issues.listForRepo({ ...at, per_page: 100 });
    const link = first.headers.link ?? "";
    expect(link).toContain(`<${fx.sim.url}/repos/acme/app/issues?per_page=100&page=2>; rel="next"`);
    expect(link).toContain(`<${fx.sim.url}/repos/acme/app/issues?per_page=100&page=10>; rel="last"`);
    expect(link).not.toContain('rel="prev"');
    const middle = await fx.app.rest.issues.listForRepo({ ...at, per_page: 100, page: 5 });
    expect(middle.headers.link).toContain('page=4>; rel="prev"');
    expect(middle.headers.link).toContain('page=1>; rel="first"');
    const last = await fx.app.rest.issues.listForRepo({ ...at, per_page: 100, page: 10 });
    expect(last.headers.link).not.toContain('rel="next"');
    expect(last.data).toHaveLength(100);
  });

  it("answers 30 per page by default and caps per_page at 100", async () => {
    expect((await fx.app.rest.issues.listForRepo(at)).data).toHaveLength(30);
    const capped = await fx.app.request("GET /repos/{owner}/{repo}/issues", { ...at, per_page: 500 });
    expect(capped.data).toHaveLength(100);
    fx.forgiveRequests();
  });

  it("answers an empty page past the end", async () => {
    const beyond = await fx.app.rest.issues.listForRepo({ ...at, per_page: 100, page: 11 });
    expect(beyond.data).toEqual([]);
  });
});
