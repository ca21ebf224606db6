import { describe, expect, it } from "vitest";
import { unwrap } from "../../src/model/errors.ts";
import {
  checkRefName,
  parseMergeRequestMarker,
  parsePolecatBranch,
  polecatBranch,
  renderPrBody,
  renderPrTitle,
} from "../../src/runner/branch.ts";

describe("polecatBranch", () => {
  it("is polecat/<name>/<issue>", () => {
    expect(unwrap(polecatBranch("rust", 12))).toBe("polecat/rust/12");
    expect(unwrap(polecatBranch("nux-2", 1))).toBe("polecat/nux-2/1");
  });

  it.each([
    ["Rust", 12],
    ["../main", 12],
    ["a b", 12],
    ["", 12],
    ["-x", 12],
    ["rust", 0],
    ["rust", 1.5],
  ])("refuses %j with issue %j, saying what a name may be", (name, issue) => {
    const result = polecatBranch(name, issue);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe("bad-input");
  });

  it("reads back the polecat and issue", () => {
    expect(parsePolecatBranch("polecat/rust/12")).toEqual({ polecat: "rust", issue: 12 });
    expect(parsePolecatBranch("refs/heads/polecat/rust/12")).toEqual({ polecat: "rust", issue: 12 });
    expect(parsePolecatBranch("polecat/rust/012")).toBeNull();
    expect(parsePolecatBranch("feature/rust/12")).toBeNull();
    expect(parsePolecatBranch("polecat/Ru st/12")).toBeNull();
  });
});

describe("checkRefName", () => {
  it.each([
    ["main", null],
    ["polecat/rust/12", null],
    ["a..b", 'it contains ".."'],
    ["a b", "it contains spaces, control or non-ASCII characters"],
    ["a~1", "it contains one of ~ ^ : ? * [ \\"],
    ["x@{1}", 'it contains "@{"'],
    ["@", 'it is "@"'],
    ["a//b", "it has an empty path component"],
    ["a/", "it has an empty path component"],
    ["a.", 'it ends with "."'],
    ["a/.hidden", 'the component ".hidden" starts with "."'],
    ["a/b.lock", 'the component "b.lock" ends with ".lock"'],
    ["--receive-pack=x", 'it starts with "-"'],
    ["é", "it contains spaces, control or non-ASCII characters"],
    ["", "it is empty"],
  ])("%j → %j", (ref, problem) => {
    expect(checkRefName(ref)).toBe(problem);
  });
});

describe("the pull request", () => {
  it("takes its title from the bead, on one line", () => {
    expect(renderPrTitle("Fix the\nlogin \u001b[31mredirect")).toBe("Fix the login redirect");
    expect(renderPrTitle("x".repeat(300))).toHaveLength(256);
    expect(renderPrTitle("  ")).toBe("Polecat work");
  });

  const body = renderPrBody({
    bead: 12,
    polecat: "rust",
    branch: "polecat/rust/12",
    attempt: 2,
    convoy: 3,
    convoyTitle: "Login hardening",
    convoyUrl: "https://github.com/acme/app/milestone/3",
    summary: "Redirects after login stay on this site.",
    steps: [
      { id: "implement", title: "Implement", done: true },
      { id: "review", title: "Self-review", done: true },
    ],
    runUrl: "https://github.com/acme/app/actions/runs/99",
  });

  it("closes the bead, lists the steps, links the convoy and marks it for the refinery", () => {
    expect(body).toMatchInlineSnapshot(`
      "Redirects after login stay on this site.

      Closes #12

      <details><summary>Molecule steps</summary>

      - [x] \`implement\`: Implement
      - [x] \`review\`: Self-review

      </details>

      <sub>Polecat \`rust\` · attempt 2 · convoy [Login hardening](https://github.com/acme/app/milestone/3) · [run](https://github.com/acme/app/actions/runs/99)</sub>

      <!-- gastown-mr {"v":1,"bead":12,"polecat":"rust","branch":"polecat/rust/12","attempt":2,"convoy":3} -->"
    `);
  });

  it("closes only the bead: the agent's words neither ping nor close", () => {
    const defused = renderPrBody({
      bead: 12,
      polecat: "rust",
      branch: "polecat/rust/12",
      attempt: 1,
      convoy: null,
      summary: "Thanks @octocat; this also fixes #7 and resolves acme/other#8.",
    });
    expect(defused.match(/(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?) (?:[\w-]+\/[\w-]+)?#\d+/gi)).toEqual([
      "Closes #12",
    ]);
    expect(defused).toContain("@\u200boctocat");
  });

  it("carries a marker the refinery reads back", () => {
    expect(parseMergeRequestMarker(body)).toEqual({
      bead: 12,
      polecat: "rust",
      branch: "polecat/rust/12",
      attempt: 2,
      convoy: 3,
    });
    expect(parseMergeRequestMarker("a human PR")).toBeNull();
    expect(parseMergeRequestMarker(null)).toBeNull();
  });

  it("names the bead's repository when it lives elsewhere, and says when there is no summary", () => {
    const other = renderPrBody({
      bead: 5,
      beadRepo: "acme/tracker",
      polecat: "nux",
      branch: "polecat/nux/5",
      attempt: 1,
      convoy: null,
    });
    expect(other.startsWith("_The agent left no summary._\n\nCloses acme/tracker#5\n")).toBe(true);
    expect(other).not.toContain("· convoy");
  });

  it("redacts secrets from the summary", () => {
    const leaked = renderPrBody({
      bead: 1,
      polecat: "p",
      branch: "polecat/p/1",
      attempt: 1,
      convoy: null,
      summary: "used ghp_0123456789abcdefghijABCDEFGHIJ and sk-ant-xyz-0123456789",
      secrets: ["sk-ant-xyz-0123456789"],
    });
    expect(leaked).toContain("used [REDACTED] and [REDACTED]");
  });
});
