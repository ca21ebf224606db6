import { describe, expect, it } from "vitest";
import {
  decideProgressEdit,
  describeActivity,
  EMPTY_PROGRESS_TALLY,
  findProgressComment,
  type ProgressInput,
  parseProgressMarker,
  renderProgressComment,
  tallyEvent,
} from "../../src/runner/progress.ts";
import { parseTranscript } from "../../src/runner/stream.ts";
import { fixture } from "./helpers.ts";

const working: ProgressInput = {
  bead: 12,
  polecat: "rust",
  attempt: 1,
  run: 99,
  phase: "working",
  steps: [
    { id: "design", title: "Design", done: true },
    { id: "implement", title: "Implement", done: false },
    { id: "review", title: "Self-review", done: false },
  ],
  activity: "Running `npm test`",
  branch: "polecat/rust/12",
  runUrl: "https://github.com/acme/app/actions/runs/99",
  turns: 7,
  elapsedMs: 190_000,
};

describe("renderProgressComment", () => {
  describe("while the agent works", () => {
    it("shows the checklist, the current activity, turns so far and the run link", () => {
      expect(renderProgressComment(working)).toMatchInlineSnapshot(`
        "<!-- gastown-progress {"v":1,"bead":12,"polecat":"rust","attempt":1,"run":99} -->
        ### 🛠️ \`rust\` is working on this bead

        **Now:** Running \`npm test\`

        - [x] \`design\`: Design
        - [ ] **\`implement\`: Implement** ← now
        - [ ] \`review\`: Self-review

        <sub>7 turns · 3m 10s · branch \`polecat/rust/12\` · attempt 1 · [run](https://github.com/acme/app/actions/runs/99)</sub>"
      `);
    });
  });

  describe("when the job has ended", () => {
    it("shows the status, why, the pull request and the final figures", () => {
      const body = renderProgressComment({
        ...working,
        phase: "finished",
        status: "done",
        reasons: ["The agent finished the work (`gt done`)."],
        steps: working.steps.map((s) => ({ ...s, done: true })),
        pr: { number: 34, url: "https://github.com/acme/app/pull/34" },
        costUsd: 0.4213,
      });
      expect(body).toMatchInlineSnapshot(`
        "<!-- gastown-progress {"v":1,"bead":12,"polecat":"rust","attempt":1,"run":99} -->
        ### ✅ Done: \`rust\` finished this bead

        > The agent finished the work (\`gt done\`).

        **Pull request:** [#34](https://github.com/acme/app/pull/34)

        - [x] \`design\`: Design
        - [x] \`implement\`: Implement
        - [x] \`review\`: Self-review

        <sub>7 turns · $0.42 · 3m 10s · branch \`polecat/rust/12\` · attempt 1 · [run](https://github.com/acme/app/actions/runs/99)</sub>"
      `);
    });

    it("says clearly when the agent could not start", () => {
      const body = renderProgressComment({
        ...working,
        phase: "finished",
        status: "failed",
        reasons: ["No Anthropic credentials: set the anthropic-api-key or claude-code-oauth-token input."],
        steps: [],
        turns: null,
        elapsedMs: null,
      });
      expect(body).toContain("### ❌ Failed: `rust` could not finish this bead");
      expect(body).toContain(
        "> No Anthropic credentials: set the anthropic-api-key or claude-code-oauth-token input.",
      );
      expect(body).not.toContain("**Now:**");
    });
  });

  describe("when the agent's activity holds a secret", () => {
    it("redacts it", () => {
      const body = renderProgressComment({
        ...working,
        activity: "Running `curl -H 'Authorization: token ghp_0123456789abcdefghijABCDEFGHIJ' api`",
        secrets: ["sk-ant-test-0123456789"],
        reasons: ["key sk-ant-test-0123456789 leaked"],
      });
      expect(body).not.toContain("ghp_0123456789abcdefghijABCDEFGHIJ");
      expect(body).not.toContain("sk-ant-test-0123456789");
      expect(body).toContain("[REDACTED]");
    });
  });
});

describe("the progress marker", () => {
  it("reads back what was rendered", () => {
    expect(parseProgressMarker(renderProgressComment(working))).toEqual({
      bead: 12,
      polecat: "rust",
      attempt: 1,
      run: 99,
    });
  });

  it("is null for other comments and damaged markers", () => {
    expect(parseProgressMarker("Looks good to me")).toBeNull();
    expect(parseProgressMarker("<!-- gastown-progress {not json} -->")).toBeNull();
    expect(parseProgressMarker('<!-- gastown-progress {"bead":"12"} -->')).toBeNull();
  });

  it("finds the newest comment of the same run among others", () => {
    const comments = [
      { id: 1, body: renderProgressComment({ ...working, run: 98 }) },
      { id: 2, body: "a human comment" },
      { id: 3, body: renderProgressComment(working) },
      { id: 4, body: "<!-- gastown-mail {} -->" },
    ];
    expect(findProgressComment(comments, { bead: 12, run: 99 })?.id).toBe(3);
    expect(findProgressComment(comments, { bead: 12, run: 98 })?.id).toBe(1);
    expect(findProgressComment(comments, { bead: 12 })?.id).toBe(3);
    expect(findProgressComment(comments, { bead: 12, run: 100 })).toBeNull();
  });
});

describe("decideProgressEdit", () => {
  describe("when nothing changed", () => {
    it("never edits, final or not", () => {
      expect(decideProgressEdit({ now: 50_000, lastEditAt: 0, changed: false, final: true })).toEqual({
        edit: false,
        retryInMs: null,
      });
    });
  });

  describe("when the body changed", () => {
    it("edits at once the first time", () => {
      expect(decideProgressEdit({ now: 1_000, lastEditAt: null, changed: true, final: false })).toEqual({
        edit: true,
      });
    });

    it("waits out the ten seconds since the last edit", () => {
      expect(decideProgressEdit({ now: 14_000, lastEditAt: 10_000, changed: true, final: false })).toEqual({
        edit: false,
        retryInMs: 6_000,
      });
      expect(decideProgressEdit({ now: 20_000, lastEditAt: 10_000, changed: true, final: false })).toEqual({
        edit: true,
      });
    });

    it("always writes the final edit", () => {
      expect(decideProgressEdit({ now: 10_001, lastEditAt: 10_000, changed: true, final: true })).toEqual({
        edit: true,
      });
    });

    it("honours a custom interval", () => {
      expect(
        decideProgressEdit({
          now: 12_000,
          lastEditAt: 10_000,
          changed: true,
          final: false,
          minIntervalMs: 1_000,
        }),
      ).toEqual({ edit: true });
    });
  });
});

describe("describeActivity and tallyEvent", () => {
  const events = parseTranscript(fixture("success"));

  it("count one turn per API message and follow the latest activity", () => {
    const seen: string[] = [];
    let tally = EMPTY_PROGRESS_TALLY;
    for (const event of events.filter((e) => e.kind !== "result")) {
      tally = tallyEvent(tally, event);
      if (tally.activity && seen.at(-1) !== tally.activity) seen.push(tally.activity);
    }
    expect(tally.turns).toBe(6);
    expect(tally.toolUses).toBe(5);
    expect(seen).toEqual([
      "💬 I'll start by reading the login handler to see how the redirect is built.",
      "Reading `/home/runner/work/app/app/src/login.ts`",
      "Editing `/home/runner/work/app/app/src/login.ts`",
      "Running `npm test -- login`",
      'Running `git add src/login.ts && git commit -m "Only redirect to local paths after login"`',
      'Running `gt done -m "Redirects after login now stay on this site."`',
      "💬 The redirect now only follows local paths; tests pass and the work is committed.",
    ]);
  });

  it("take the turns from the result when it comes", () => {
    const tally = events.reduce(tallyEvent, EMPTY_PROGRESS_TALLY);
    expect(tally.turns).toBe(6);
  });

  it("keep an inline code span whole when the command holds backticks", () => {
    expect(
      describeActivity({
        kind: "tool-use",
        line: 1,
        messageId: null,
        id: "t",
        name: "Bash",
        summary: "echo `date`",
        subagent: false,
      }),
    ).toBe("Running `` echo `date` ``");
  });

  it("defuse mentions in the agent's text", () => {
    expect(
      describeActivity({
        kind: "text",
        line: 1,
        messageId: null,
        text: "asking @octocat",
        error: null,
        subagent: false,
      }),
    ).toBe("💬 asking @\u200boctocat");
  });
});
