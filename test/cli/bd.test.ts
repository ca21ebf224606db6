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

    it("answers an unknown bead with what to check (exit 1)", async () => {
      const result = await t.bd(["show", "4242"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`error: Bead ${t.env.GASTOWN_REPO}#4242 does not exist.`);
      expect(result.stderr).toContain("hint: Check the number");
    });

    it("refuses a label over 50 characters and creates nothing", async () => {
      const before = (await listBeads(t.town, { state: "all" })).length;
      const result = await t.bd(["create", "Labelled", "-l", "x".repeat(51)]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("GitHub allows at most 50");
      expect(result.stderr).toContain("hint: Shorten the label name");
      expect((await listBeads(t.town, { state: "all" })).length).toBe(before);
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

    it("says when there is no token, and where to get one", async () => {
      const result = await t.bd(["ready"], { env: { GITHUB_TOKEN: "" } });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        "error: No GitHub token found.\nhint: Set GITHUB_TOKEN (or GH_TOKEN) to a token with Issues and Contents access, or log in with `gh auth login`.\n",
      );
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

    it("says when the repository does not exist", async () => {
      const result = await t.bd(["ready", "--repo", "acme/missing"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("not found (404)");
      expect(result.stderr).toContain("hint: Check the repository name");
    });

    it("refuses to set the hooked status by hand", async () => {
      const result = await t.bd(["update", "1", "-s", "hooked"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("gt hook attach");
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
