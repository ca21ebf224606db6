// `bd mol` and `gt mol` in-process against the loopback GitHub: pour a formula, walk it with
// current / ready / progress / step done, end it with squash or burn, and the wisp form.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBd } from "../../src/cli/run.ts";
import { listComments } from "../../src/github/comments.ts";
import { getBead, updateBead } from "../../src/github/issues.ts";
import { listSubIssues } from "../../src/github/sub-issues.ts";
import { type CliTown, startCliTown } from "./helpers.ts";

let t: CliTown;
beforeAll(async () => {
  t = await startCliTown();
});
afterAll(async () => {
  await t?.stop();
});

describe("bd mol pour", () => {
  describe("with --dry-run and --local", () => {
    it("prints the issues and edges it would write, without a token or a request", async () => {
      const before = t.requests();
      const result = await runBd(
        ["mol", "pour", "shiny", "--var", "feature=search", "--dry-run", "--local"],
        {
          env: {},
          cwd: "/",
        },
      );
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("Would pour shiny (key ");
      expect(result.stdout).toContain("step  implement  Implement search  (blocked by step:design)");
      expect(result.stdout).toContain("6 issues (5 steps, 0 gates), 4 dependencies.");
      expect(t.requests()).toBe(before);
    });
  });

  describe("when a required var is missing", () => {
    it("exits 1 with the located message and writes nothing", async () => {
      const before = t.requests();
      const result = await t.bd(["mol", "pour", "shiny"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: .*shiny\.formula\.toml:\d+:\d+: var "feature" is required/);
      // Only the formula directories were looked up.
      expect(t.requests() - before).toBe(2);
    });
  });
});

describe("a molecule walked from the command line", () => {
  let root: number;

  beforeAll(async () => {
    const poured = await t.json<{
      root: { number: number };
      steps: Record<string, number>;
      resumed: boolean;
    }>("bd", ["mol", "pour", "shiny", "--var", "feature=login"]);
    expect(poured.resumed).toBe(false);
    root = poured.root.number;
  });

  it("prints the poured steps and how to walk them", async () => {
    const again = await t.bd(["mol", "pour", "shiny", "--var", "feature=login"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Molecule #${root} (shiny) was poured before with key`);
    expect(again.stdout).toContain("It is complete; nothing was written.");
  });

  it("shows every step's standing with gt mol current", async () => {
    const result = await t.gt(["mol", "current", String(root)]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toMatch(new RegExp(`^molecule #${root} shiny: feature=login .* 0/5 \\(0%\\)$`));
    expect(lines[1]).toMatch(/^ {2}● design {4} #\d+ +Design login {2}← next$/);
    expect(lines[2]).toMatch(/^ {2}✗ implement {2}#\d+ +Implement login {2}waiting on design$/);
  });

  it("closes a step with gt mol step done and names the next", async () => {
    const result = await t.gt(["mol", "step", "done", "design", "--root", String(root)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Step design \(#\d+\) done\.\nNext: implement \(#\d+\) Implement login {2}1\/5 done\n$/,
    );
  });

  it("refuses a step still waiting, and closes it with --force", async () => {
    const refused = await t.gt(["mol", "step", "done", "test", "--root", String(root)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`error: Step test of molecule #${root} is still waiting on review.`);
    expect(refused.stderr).toContain("--force");
    const forced = await t.gt(["mol", "step", "done", "test", "--root", String(root), "--force"]);
    expect(forced.code).toBe(0);
  });

  it("reports progress and the ready steps as JSON, finding the root through GASTOWN_MOLECULE", async () => {
    const env = { GASTOWN_MOLECULE: String(root) };
    const progress = await t.gt(["mol", "progress", "--json"], { env });
    expect(JSON.parse(progress.stdout)).toMatchObject({
      done: 2,
      total: 5,
      percent: 40,
      current: "implement",
    });
    const ready = await t.gt(["mol", "ready", "--json"], { env });
    // test was forced closed, so submit (which needs only test) is ready beside implement.
    expect((JSON.parse(ready.stdout) as { ready: { id: string }[] }).ready.map((step) => step.id)).toEqual([
      "implement",
      "submit",
    ]);
  });

  it("squashes it into one digest and closes everything", async () => {
    const result = await t.bd(["mol", "squash", String(root), "--summary", "Login shipped early."]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `Squashed molecule #${root}: 3 open step(s) and gate(s) closed as not planned, root closed as completed.`,
    );
    const comments = await listComments(t.town, { issue: root });
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain("Login shipped early.");
    expect((await listSubIssues(t.town, root)).every((child) => child.status === "closed")).toBe(true);
    const again = await t.bd(["mol", "squash", String(root)]);
    expect(again.stdout).toContain(`The molecule #${root} is already closed; nothing to do.`);
  });
});

describe("bd mol burn", () => {
  it("closes the molecule as not planned", async () => {
    const poured = await t.json<{ root: { number: number } }>("bd", [
      "mol",
      "pour",
      "shiny",
      "--var",
      "feature=burnt",
    ]);
    const result = await t.bd(["mol", "burn", String(poured.root.number)]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Burned molecule #${poured.root.number}: 5 open step(s)`);
    expect((await getBead(t.town, poured.root.number)).stateReason).toBe("not_planned");
  });
});

describe("bd mol wisp", () => {
  it("pours a checklist that gt mol step done ticks", async () => {
    const poured = await t.bd(["mol", "wisp", "shiny", "--var", "feature=undo"]);
    expect(poured.code).toBe(0);
    const number = Number(/as wisp #(\d+)/.exec(poured.stdout)?.[1]);
    expect(poured.stdout).toContain("(5 steps as a checklist)");
    const done = await t.gt(["mol", "step", "done", "design", "--root", String(number)]);
    expect(done.stdout).toBe("Step design done.\nNext: implement Implement undo  1/5 done\n");
    expect((await getBead(t.town, number)).body).toContain("- [x] design: Design undo");
  });
});

describe("a wisp whose checklist was edited on GitHub", () => {
  it("prints its step ids without the terminal escapes someone wrote into them", async () => {
    const poured = await t.json<{ root: { number: number } }>("bd", [
      "mol",
      "wisp",
      "shiny",
      "--var",
      "feature=escapes",
    ]);
    const root = poured.root.number;
    const bead = await getBead(t.town, root);
    const evil = "evil\u001b]0;owned\u0007\u001b[2J";
    await updateBead(t.town, {
      number: root,
      body: { text: bead.body.replace("- [ ] design:", `- [ ] ${evil}:`), metadata: bead.metadata },
    });
    const current = await t.gt(["mol", "current", String(root)]);
    expect(current.code).toBe(0);
    expect(current.stdout).toMatch(/^ {2}● evil {2,}Design escapes {2}← next$/m);
    expect([...current.stdout].filter((c) => c < " " && c !== "\n")).toEqual([]);
    const done = await t.gt(["mol", "step", "done", evil, "--root", String(root)]);
    expect(done.stdout).toBe("Step evil done.\nNext: implement Implement escapes  1/5 done\n");
    await t.bd(["mol", "burn", String(root)]);
  });
});

describe("gt mol without a root", () => {
  it("lists the open molecules and asks for one when there are several", async () => {
    await t.bd(["mol", "pour", "shiny", "--var", "feature=one"]);
    await t.bd(["mol", "pour", "shiny", "--var", "feature=two"]);
    const result = await t.gt(["mol", "current"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: There are \d+ open molecules and wisps: #\d+ /);
    expect(result.stderr).toContain("hint: Name one: pass its root number (or set GASTOWN_MOLECULE to it).");
  });
});
