import { describe, expect, it } from "vitest";
import { parseHandoffComment, renderHandoffComment, renderStepSummary } from "../../src/runner/summary.ts";

describe("renderStepSummary", () => {
  describe("when the job is done", () => {
    it("shows status, figures, the PR, steps closed and files changed", () => {
      expect(
        renderStepSummary({
          status: "done",
          reasons: ["The agent finished the work (`gt done`)."],
          bead: {
            number: 12,
            title: "Login redirects to other sites",
            url: "https://github.com/acme/app/issues/12",
          },
          polecat: "rust",
          attempt: 1,
          branch: "polecat/rust/12",
          runUrl: "https://github.com/acme/app/actions/runs/99",
          figures: { turns: 6, costUsd: 0.1834, durationMs: 48_211 },
          filesChanged: ["src/login.ts", "test/login.test.ts"],
          stepsClosed: ["implement", "review"],
          pr: { number: 34, url: "https://github.com/acme/app/pull/34" },
        }),
      ).toMatchInlineSnapshot(`
        "## ✅ Done: [#12](https://github.com/acme/app/issues/12) Login redirects to other sites

        > The agent finished the work (\`gt done\`).

        | | |
        | --- | --- |
        | Polecat | \`rust\` (attempt 1) |
        | Branch | \`polecat/rust/12\` |
        | Pull request | [#34](https://github.com/acme/app/pull/34) |
        | Turns | 6 |
        | Cost | $0.18 |
        | Duration | 48s |
        | Files changed | 2 |
        | Steps closed | \`implement\`, \`review\` |
        | Run | [this run](https://github.com/acme/app/actions/runs/99) |

        <details><summary>Files changed</summary>

        - \`src/login.ts\`
        - \`test/login.test.ts\`

        </details>
        "
      `);
    });
  });

  describe("when the agent produced no result", () => {
    it("shows dashes for the figures and lists the problems", () => {
      const summary = renderStepSummary({
        status: "failed",
        reasons: ["The agent exited with code 1 before it reported a result."],
        bead: { number: 5, title: "x" },
        polecat: "nux",
        attempt: 3,
        branch: "polecat/nux/5",
        figures: null,
        filesChanged: [],
        stepsClosed: [],
        problems: ["outbox line 2: not JSON; the line is ignored"],
      });
      expect(summary).toContain("| Turns | — |");
      expect(summary).toContain("| Pull request | none |");
      expect(summary).toContain("### Problems\n\n- outbox line 2: not JSON; the line is ignored");
      expect(summary).not.toContain("<details>");
    });
  });

  it("shows the bead's title without pinging anyone it mentions", () => {
    const summary = renderStepSummary({
      status: "handoff",
      reasons: [],
      bead: { number: 1, title: "Ask @admins about fixes #2" },
      polecat: "p",
      attempt: 1,
      branch: "polecat/p/1",
      figures: null,
      filesChanged: [],
      stepsClosed: [],
    });
    expect(summary.split("\n")[0]).toBe("## 🤝 Handed off: #1 Ask @\u200badmins about fixes\u200b #2");
  });

  it("lists at most fifty files", () => {
    const files = Array.from({ length: 60 }, (_, i) => `f${i}.ts`);
    const summary = renderStepSummary({
      status: "done",
      reasons: [],
      bead: { number: 1, title: "t" },
      polecat: "p",
      attempt: 1,
      branch: "polecat/p/1",
      figures: null,
      filesChanged: files,
      stepsClosed: [],
    });
    expect(summary).toContain("- `f49.ts`");
    expect(summary).not.toContain("- `f50.ts`");
    expect(summary).toContain("- … and 10 more");
  });

  it("redacts secrets from every line", () => {
    const summary = renderStepSummary({
      status: "failed",
      reasons: ["Bad credentials: github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"],
      bead: { number: 1, title: "t" },
      polecat: "p",
      attempt: 1,
      branch: "polecat/p/1",
      figures: null,
      filesChanged: [],
      stepsClosed: [],
      problems: ["leaked sk-ant-0123456789abcdef"],
      secrets: ["sk-ant-0123456789abcdef"],
    });
    expect(summary).not.toContain("github_pat_");
    expect(summary).not.toContain("sk-ant-0123456789abcdef");
  });
});

describe("redaction of the agent's credential", () => {
  it("removes an Anthropic key or OAuth token by its shape, even unnamed", () => {
    const body = renderHandoffComment({
      bead: 1,
      polecat: "p",
      attempt: 1,
      reason: "r",
      done: ["printed sk-ant-api03-AbCdEf0123456789_xyz-QQ"],
      next: "token sk-ant-oat01-ZyXwVu9876543210abcd",
    });
    expect(body).not.toContain("sk-ant-");
    expect(body.match(/\[REDACTED\]/g)).toHaveLength(2);
  });
});

describe("the handoff comment", () => {
  const body = renderHandoffComment({
    bead: 12,
    polecat: "rust",
    attempt: 2,
    reason: "The agent reached its turn limit after 40 turns; a fresh job continues from the hook.",
    done: ["step `design` closed", "3 commits on `polecat/rust/12`"],
    next: "Finish `implement`: the redirect test still fails.",
    runUrl: "https://github.com/acme/app/actions/runs/99",
  });

  it("says what was done and what is next", () => {
    expect(body).toMatchInlineSnapshot(`
      "<!-- gastown-handoff {"v":1,"bead":12,"polecat":"rust","attempt":2} -->
      ### 🤝 Handoff from \`rust\` (attempt 2)

      The agent reached its turn limit after 40 turns; a fresh job continues from the hook.

      **Done so far**

      - step \`design\` closed
      - 3 commits on \`polecat/rust/12\`

      **Next**

      Finish \`implement\`: the redirect test still fails.

      <sub>[Run](https://github.com/acme/app/actions/runs/99)</sub>"
    `);
  });

  it("reads back for the next job's prompt", () => {
    const parsed = parseHandoffComment(body);
    expect(parsed).toMatchObject({ bead: 12, polecat: "rust", attempt: 2 });
    expect(parsed?.text.startsWith("### 🤝 Handoff from `rust` (attempt 2)")).toBe(true);
    expect(parsed?.text).toContain("Finish `implement`");
  });

  it("is null for other comments", () => {
    expect(parseHandoffComment("just a comment")).toBeNull();
    expect(parseHandoffComment("<!-- gastown-handoff {oops} -->\nx")).toBeNull();
  });

  it("falls back to the first open step when the next step is blank", () => {
    const blank = renderHandoffComment({
      bead: 1,
      polecat: "p",
      attempt: 1,
      reason: "r",
      done: [],
      next: "  ",
    });
    expect(blank).toContain("- nothing recorded");
    expect(blank).toContain("Continue from the first open step.");
  });
});
