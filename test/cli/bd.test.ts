// `bd` in-process against the loopback GitHub: beads with dependencies, ready as the blocker
// closes, the cycle refusal, and the clear answers (exit codes, error + hint) for bad input.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBead as createIssue, listBeads } from "../../src/github/issues.ts";
import type { Bead } from "../../src/model/bead.ts";
import { type CliTown, startCliTown } from "./helpers.ts";

let t: CliTown;
beforeAll(async () => {
  t = await startCliTown();
});
afterAll(async () => {
  await t?.stop();
});

const ESC = "\u001b";

describe("bd", () => {
  describe("when three beads depend on each other", () => {
    let a: Bead;
    let b: Bead;
    let c: Bead;

    beforeAll(async () => {
      a = await t.json<Bead>("bd", ["create", "Design", "the", "schema", "-p", "1"]);
      b = await t.json<Bead>("bd", ["create", "Write migrations", "--deps", String(a.number), "-t", "task"]);
      c = await t.json<Bead>("bd", ["create", "Backfill", "--deps", `#${b.number}`, "-l", "data,ops"]);
    });

    it("shows the head of the chain as ready", async () => {
      const ready = await t.json<{ ready: Bead[] }>("bd", ["ready"]);
      expect(ready.ready.map((bead) => bead.number)).toEqual([a.number]);
      const human = await t.bd(["ready"]);
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(new RegExp(`^#${a.number}\\s+P1\\s+task\\s+open\\s+Design the schema`));
    });

    it("explains why the others wait", async () => {
      const result = await t.bd(["ready", "--explain"]);
      expect(result.stdout).toContain(`blocked by 1 open blocker: #${a.number} "Design the schema"`);
      expect(result.stdout).toContain(`blocked by 1 open blocker: #${b.number} "Write migrations"`);
    });

    it("makes the next bead ready when the blocker closes", async () => {
      const closed = await t.bd(["close", String(a.number), "--reason", "Schema merged"]);
      expect(closed.code).toBe(0);
      expect(closed.stdout).toContain(`Closed #${a.number} Design the schema`);
      const ready = await t.json<{ ready: Bead[] }>("bd", ["ready"]);
      expect(ready.ready.map((bead) => bead.number)).toEqual([b.number]);
    });

    it("refuses a cycle, prints it, and changes nothing", async () => {
      const result = await t.bd(["dep", "add", String(b.number), String(c.number)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `error: #${b.number} blocked by #${c.number} would make a dependency cycle: #${b.number} → #${c.number} → #${b.number}`,
      );
      expect(result.stderr).toMatch(/\nhint: Nothing was changed/);
      const list = await t.json<{ blockedBy: Bead[] }>("bd", ["dep", "list", String(b.number)]);
      expect(list.blockedBy.map((bead) => bead.number)).toEqual([a.number]);
    });

    it("draws the dependency tree", async () => {
      const result = await t.bd(["dep", "tree", `gt-${c.number}`]);
      expect(result.stdout.split("\n").slice(0, 3)).toEqual([
        `#${c.number} Backfill [open, P2]`,
        `└── #${b.number} Write migrations [open, P2]`,
        `    └── #${a.number} Design the schema [closed, P1]`,
      ]);
    });

    it("lists with filters and shows one bead", async () => {
      const listed = await t.json<Bead[]>("bd", ["list", "-l", "ops"]);
      expect(listed.map((bead) => bead.number)).toEqual([c.number]);
      const shown = await t.bd(["show", `${t.env.GASTOWN_REPO}#${c.number}`]);
      expect(shown.stdout).toContain(`#${c.number} Backfill`);
      expect(shown.stdout).toMatch(/labels\s+data, ops/);
      expect(shown.stdout).toContain("blocked by");
    });
  });

  describe("when a bead is changed with each command", () => {
    it("updates, labels, comments, closes, reopens and unblocks it", async () => {
      const bead = await t.json<Bead>("bd", ["create", "Rough", "draft"]);
      const updated = await t.json<Bead>("bd", [
        "update",
        `https://github.com/${t.env.GASTOWN_REPO}/issues/${bead.number}`,
        "--title",
        "Polished draft",
        "-d",
        "Now with words.",
        "-p",
        "p1",
        "-t",
        "feature",
        "-s",
        "in-progress",
      ]);
      expect(updated).toMatchObject({
        number: bead.number,
        title: "Polished draft",
        body: "Now with words.",
        priority: 1,
        type: "feature",
        status: "in_progress",
      });

      const labelled = await t.bd(["label", "add", String(bead.number), "area/docs,needs-review"]);
      expect(labelled.stdout).toBe(`#${bead.number} labels: area/docs, needs-review\n`);
      const unlabelled = await t.bd(["label", "remove", `#${bead.number}`, "needs-review"]);
      expect(unlabelled.stdout).toBe(`#${bead.number} labels: area/docs\n`);
      expect(await t.json<string[]>("bd", ["label", "list", String(bead.number)])).toEqual(["area/docs"]);

      const commented = await t.bd(["comment", String(bead.number), "Reviewed", "and", "fine."]);
      expect(commented.code).toBe(0);
      expect(commented.stdout).toMatch(new RegExp(`^Commented on #${bead.number}: `));
      const shown = await t.json<{ comments: Array<{ body: string }> }>("bd", [
        "show",
        String(bead.number),
        "--comments",
      ]);
      expect(shown.comments.map((c) => c.body)).toEqual(["Reviewed and fine."]);

      const closed = await t.bd(["close", String(bead.number), "--not-planned", "-r", "Out of scope"]);
      expect(closed.stdout).toBe(`Closed #${bead.number} Polished draft\n`);
      const afterClose = await t.json<{ bead: Bead }>("bd", ["show", String(bead.number)]);
      expect(afterClose.bead).toMatchObject({
        status: "closed",
        stateReason: "not_planned",
        closeReason: "Out of scope",
      });
      expect((await t.bd(["close", String(bead.number)])).stdout).toContain("(already closed)");

      const reopened = await t.bd(["reopen", String(bead.number)]);
      expect(reopened.stdout).toBe(`Reopened #${bead.number} Polished draft\n`);
      const afterReopen = await t.json<{ bead: Bead }>("bd", ["show", String(bead.number)]);
      expect(afterReopen.bead).toMatchObject({ status: "open", closeReason: null });
    });

    it("lists blocked beads and frees one when its dependency is removed", async () => {
      const blocker = await t.json<Bead>("bd", ["create", "Gatekeeper"]);
      const waiting = await t.json<Bead>("bd", ["create", "Waiter", "--deps", String(blocker.number)]);
      const blocked = await t.bd(["blocked"]);
      expect(blocked.code).toBe(0);
      expect(blocked.stdout).toContain(`#${waiting.number}`);
      expect(blocked.stdout).toContain(`blocked by 1 open blocker: #${blocker.number} "Gatekeeper"`);
      const listed = await t.json<{ blocked: Array<{ bead: Bead }> }>("bd", ["blocked"]);
      expect(listed.blocked.map((entry) => entry.bead.number)).toContain(waiting.number);

      const other = await t.json<Bead>("bd", ["create", "Second gate"]);
      const added = await t.bd(["dep", "add", String(waiting.number), "--blocked-by", String(other.number)]);
      expect(added.stdout).toBe(`Now: #${waiting.number} is blocked by #${other.number} Second gate\n`);
      const doubled = await t.bd(["dep", "add", String(waiting.number), "1", "--blocked-by", "2"]);
      expect(doubled.code).toBe(2);
      expect(doubled.stderr).toContain("error: Give the blocker once: as an argument or with --blocked-by.");
      await t.bd(["dep", "remove", String(waiting.number), String(other.number)]);

      const removed = await t.bd(["dep", "remove", String(waiting.number), String(blocker.number)]);
      expect(removed.stdout).toBe(`Removed: #${waiting.number} is no longer blocked by #${blocker.number}\n`);
      const again = await t.bd(["dep", "rm", String(waiting.number), String(blocker.number)]);
      expect(again.stdout).toBe(
        `#${waiting.number} was not blocked by #${blocker.number}; nothing changed\n`,
      );
      const ready = await t.json<{ ready: Bead[] }>("bd", ["ready"]);
      expect(ready.ready.map((b) => b.number)).toContain(waiting.number);
    });
  });

  describe("when a listing is asked for --json", () => {
    it("prints JSON for every listing", async () => {
      const bead = await t.json<Bead>("bd", ["create", "Listed"]);
      const listings: string[][] = [
        ["list"],
        ["ready"],
        ["ready", "--explain"],
        ["blocked"],
        ["show", String(bead.number)],
        ["dep", "list", String(bead.number)],
        ["dep", "tree", String(bead.number)],
        ["label", "list", String(bead.number)],
      ];
      for (const args of listings) {
        const result = await t.bd([...args, "--json"]);
        expect(result.code, args.join(" ")).toBe(0);
        expect(() => JSON.parse(result.stdout), args.join(" ")).not.toThrow();
      }
    });
  });

  describe("when a bead's metadata block was damaged by hand", () => {
    it("shows the whole text with a warning, and a claim keeps every word of it", async () => {
      const body = 'Keep this intro.\n\n<!-- gastown {"v":1,"polecat": -->\n\nAnd this ending.';
      const bead = await createIssue(t.town, { title: "Hand-edited", body });
      const shown = await t.bd(["show", String(bead.number)]);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain("Keep this intro.\n\nAnd this ending.");
      expect(shown.stdout).toContain("warning: The metadata block is not valid JSON");

      expect((await t.gt(["hook", "attach", String(bead.number), "--polecat", "nux"])).code).toBe(0);
      const raw = await t.town.octokit.rest.issues.get({
        owner: "acme",
        repo: t.repo.name,
        issue_number: bead.number,
      });
      expect(raw.data.body).toMatch(/^Keep this intro\.\n\nAnd this ending\.\n\n<!-- gastown \{"v":1,/);
      const after = await t.json<{ bead: Bead }>("bd", ["show", String(bead.number)]);
      expect(after.bead.metadata).toMatchObject({ polecat: "nux", attempt: 1 });
      expect(after.bead.problems).toEqual([]);
    });
  });

  describe("when issue text carries terminal escape sequences", () => {
    it("prints it without them", async () => {
      await createIssue(t.town, {
        title: `Evil ${ESC}]0;pwned${"\u0007"}title ${ESC}[2J${ESC}[31mred`,
        body: `body ${ESC}[1mbold`,
      });
      const listed = await t.bd(["list"]);
      expect(listed.stdout).not.toContain(ESC);
      expect(listed.stdout).toContain("Evil title red");
      const shown = await t.bd([
        "show",
        String((await listBeads(t.town)).find((b) => b.title.startsWith("Evil"))?.number),
      ]);
      expect(shown.stdout).not.toContain(ESC);
      expect(shown.stdout).toContain("body bold");
    });
  });

  describe("when output goes to a terminal", () => {
    it("colours it, unless NO_COLOR is set", async () => {
      expect((await t.bd(["ready"], { isTTY: true })).stdout).toContain(`${ESC}[`);
      expect((await t.bd(["ready"], { isTTY: true, env: { NO_COLOR: "1" } })).stdout).not.toContain(ESC);
      expect((await t.bd(["ready"])).stdout).not.toContain(ESC);
    });
  });

  describe("when the input is bad", () => {
    it("answers a malformed bead id with usage (exit 2) and the accepted forms", async () => {
      const result = await t.bd(["show", "abc!"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'error: "abc!" is not a bead id.\nhint: Name a bead as 123, #123, owner/repo#123, an issue URL or <prefix>-123.\n',
      );
    });

    it("answers an unknown bead with what to check (exit 1), and changes nothing", async () => {
      const shown = await t.bd(["show", "4242"]);
      expect(shown.code).toBe(1);
      expect(shown.stderr).toBe(
        `error: Bead ${t.env.GASTOWN_REPO}#4242 does not exist.\nhint: Check the number (bd list shows the beads of ${t.env.GASTOWN_REPO}), and that the token can see the repository.\n`,
      );
      // Named among real beads, it stops the whole command before any of them is touched.
      const real = await t.json<Bead>("bd", ["create", "Real work"]);
      const closed = await t.bd(["close", String(real.number), "4242"]);
      expect(closed.code).toBe(1);
      expect(closed.stderr).toContain(`error: Bead ${t.env.GASTOWN_REPO}#4242 does not exist.`);
      expect((await t.json<{ bead: Bead }>("bd", ["show", String(real.number)])).bead.status).toBe("open");
      const dep = await t.bd(["dep", "add", String(real.number), "4242"]);
      expect(dep.code).toBe(1);
      expect(dep.stderr).toContain("#4242 does not exist.\nhint: Check the number");
      expect(
        (await t.json<{ blockedBy: Bead[] }>("bd", ["dep", "list", String(real.number)])).blockedBy,
      ).toEqual([]);
    });

    it("refuses a closed bead where an open one is needed, saying how to reopen it, and creates nothing", async () => {
      const epic = await t.json<Bead>("bd", ["create", "Finished epic", "-t", "epic"]);
      await t.bd(["close", String(epic.number)]);
      const before = (await listBeads(t.town, { state: "all" })).length;
      const result = await t.bd(["create", "Late child", "--parent", String(epic.number)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `error: Bead #${epic.number} is closed, so it cannot take new sub-issues.\nhint: Reopen it first (bd reopen ${epic.number}), or pick an open bead (bd ready).\n`,
      );
      expect((await listBeads(t.town, { state: "all" })).length).toBe(before);
    });

    it("refuses a label over 50 characters and creates or labels nothing", async () => {
      const before = (await listBeads(t.town, { state: "all" })).length;
      const long = "x".repeat(51);
      const result = await t.bd(["create", "Labelled", "-l", long]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `error: Label "${long}" is 51 characters long; GitHub allows at most 50.\nhint: Shorten the label name to 50 characters or fewer.\n`,
      );
      expect((await listBeads(t.town, { state: "all" })).length).toBe(before);
      const bead = await t.json<Bead>("bd", ["create", "Plain"]);
      const label = await t.bd(["label", "add", String(bead.number), "fine", long]);
      expect(label.code).toBe(1);
      expect(label.stderr).toContain("GitHub allows at most 50");
      expect(await t.json<string[]>("bd", ["label", "list", String(bead.number)])).toEqual([]);
    });

    it("answers an unknown option or priority as usage (exit 2)", async () => {
      const option = await t.bd(["ready", "--frobnicate"]);
      expect(option.code).toBe(2);
      expect(option.stderr).toContain("error: unknown option '--frobnicate'");
      expect(option.stderr).toContain("hint: see 'bd --help'");
      const priority = await t.bd(["create", "x", "-p", "9"]);
      expect(priority.code).toBe(2);
      expect(priority.stderr).toContain('Invalid priority "9"');
    });

    it("says when there is no token, and where to get one, and creates nothing", async () => {
      const before = (await listBeads(t.town, { state: "all" })).length;
      const result = await t.bd(["create", "Tokenless"], { env: { GITHUB_TOKEN: "" } });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        "error: No GitHub token found.\nhint: Set GITHUB_TOKEN (or GH_TOKEN) to a token with Issues and Contents access, or log in with `gh auth login`.\n",
      );
      expect((await listBeads(t.town, { state: "all" })).length).toBe(before);
    });

    it("says when the token is rejected, without ever printing it", async () => {
      const bad = "ghp_thisisnotavalidtoken0123456789abcdef";
      const result = await t.bd(["ready"], { env: { GITHUB_TOKEN: bad, GASTOWN_DEBUG: "1" } });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("GitHub rejected the token (401");
      expect(result.stderr + result.stdout).not.toContain(bad);
    });

    it("says when the token may not make the change, and changes nothing", async () => {
      const bead = await t.json<Bead>("bd", ["create", "Guarded"]);
      t.sim.setPermission(t.repo, "visitor", "read");
      const visitor = t.sim.token({ kind: "user", login: "visitor" });
      const result = await t.bd(["close", String(bead.number)], { env: { GITHUB_TOKEN: visitor } });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/error: .*the token is not allowed to \(403/);
      expect(result.stderr).toContain("hint: Use a token with write access to the repository");
      expect(result.stderr).not.toContain(visitor);
      expect((await t.json<{ bead: Bead }>("bd", ["show", String(bead.number)])).bead.status).toBe("open");
    });

    it("says when the repository does not exist, and where the name came from", async () => {
      const before = (await listBeads(t.town, { state: "all" })).length;
      const result = await t.bd(["create", "Lost", "--repo", "acme/missing"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        "error: Could not create an issue in acme/missing: Repository acme/missing does not exist, or the token cannot see it.\nhint: Check the owner/name given by --repo, GASTOWN_REPO or the origin remote; for a private repository, use a token with access to it. Nothing was changed.\n",
      );
      const listed = await t.bd(["ready", "--repo", "acme/missing"]);
      expect(listed.stderr).toContain("Repository acme/missing does not exist");
      expect((await listBeads(t.town, { state: "all" })).length).toBe(before);
      expect(t.sim.state.repos.size).toBe(1);
    });

    it("refuses to set the hooked status by hand", async () => {
      const result = await t.bd(["update", "1", "-s", "hooked"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("gt hook attach");
    });

    it("refuses to move a hooked bead off its hook by relabelling, and changes nothing", async () => {
      const bead = await t.json<Bead>("bd", ["create", "Claimed"]);
      expect((await t.gt(["hook", "attach", String(bead.number), "--polecat", "rust"])).code).toBe(0);
      const result = await t.bd(["update", String(bead.number), "-s", "open"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `error: #${bead.number} is on rust's hook, so its status cannot be set by hand.\nhint: Take it off first with gt hook detach ${bead.number}, then update it (or close it: bd close ${bead.number}). Nothing was changed.\n`,
      );
      const after = await t.json<{ bead: Bead }>("bd", ["show", String(bead.number)]);
      expect(after.bead.status).toBe("hooked");
      expect((await t.json<{ ready: Bead[] }>("bd", ["ready"])).ready.map((b) => b.number)).not.toContain(
        bead.number,
      );
    });
  });

  describe("when asked for help or the version", () => {
    it("prints it and exits 0", async () => {
      const help = await t.bd(["dep", "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("Usage: bd dep [options] [command]");
      expect((await t.bd(["--version"])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    });
  });
});
