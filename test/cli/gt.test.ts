// `gt` in-process against the loopback GitHub: convoys that land once, mail, hooks with many
// concurrent claims, status, doctor and completions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBead } from "../../src/town/beads.ts";
import { listRepoComments } from "../../src/town/repo-comments.ts";
import { type CliTown, startCliTown } from "./helpers.ts";

let t: CliTown;
beforeAll(async () => {
  t = await startCliTown();
});
afterAll(async () => {
  await t?.stop();
});

describe("gt", () => {
  describe("gt doctor", () => {
    it("says what it would fix, fixes it with --fix, then is clean", async () => {
      const dry = await t.gt(["doctor"]);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain("! labels       22 label change(s) needed");
      expect(dry.stdout).toContain("would create label priority/p0 (#b60205");
      expect(dry.stdout).toContain("Run gt doctor --fix to make 22 repair(s).");
      const fixed = await t.gt(["doctor", "--fix"]);
      expect(fixed.stdout).toContain("✓ labels       22 of 22 label change(s) applied");
      const again = await t.json<{ healthy: boolean; checks: Array<{ status: string }> }>("gt", ["doctor"]);
      expect(again.healthy).toBe(true);
      expect(again.checks.every((c) => c.status === "ok")).toBe(true);
    });
  });

  describe("gt convoy", () => {
    it("creates a convoy from beads, shows its status, and lands it once with one notification", async () => {
      const a = await createBead(t.town, { title: "Route table" });
      const b = await createBead(t.town, { title: "Route tests" });
      const created = await t.gt([
        "convoy",
        "create",
        "Routing",
        String(a.number),
        String(b.number),
        "--owner",
        "mayor/",
        "--watcher",
        "@alice",
      ]);
      expect(created.code).toBe(0);
      const number = Number(/Created convoy (\d+)/.exec(created.stdout)?.[1]);
      expect(created.stdout).toContain("tracking 2 bead(s)");

      const status = await t.gt(["convoy", "status", String(number)]);
      expect(status.stdout).toContain("0/2 (0%)");
      expect(status.stdout).toMatch(new RegExp(`○ #${a.number}\\s+ready\\s+Route table`));

      await t.bd(["close", String(a.number), String(b.number)]);
      const checks = await Promise.all([1, 2, 3].map(() => t.gt(["convoy", "check", String(number)])));
      expect(checks.map((c) => c.code)).toEqual([0, 0, 0]);
      expect(checks.filter((c) => c.stdout.includes("told mayor/, @alice"))).toHaveLength(1);
      const repeat = await t.gt(["convoy", "check"]);
      expect(repeat.stdout).toBe("No open convoys.\n");
      const notices = (await listRepoComments(t.town)).filter((c) =>
        c.body.includes("Convoy landed: Routing"),
      );
      expect(notices).toHaveLength(1);

      const list = await t.gt(["convoy", "list", "--all"]);
      expect(list.stdout).toContain("Routing (landed)");
      expect(list.stdout).toContain("2/2 (100%)");
    }, 120_000);

    it("names a convoy from its first bead, and finds it stranded", async () => {
      const bead = await createBead(t.town, { title: "Cache warmup", priority: 1 });
      const created = await t.json<{ convoy: { number: number; title: string } }>("gt", [
        "convoy",
        "create",
        `#${bead.number}`,
      ]);
      expect(created.convoy.title).toBe("Cache warmup");
      const stranded = await t.gt(["convoy", "stranded"]);
      expect(stranded.stdout).toContain("Cache warmup");
      expect(stranded.stdout).toMatch(new RegExp(`next #${bead.number} Cache warmup`));
    });

    it("refuses a convoy number that is not a number as usage", async () => {
      const result = await t.gt(["convoy", "status", "abc"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('error: The convoy must be a positive whole number (got "abc").');
    });
  });

  describe("gt mail", () => {
    it("sends, lists unread, reads, replies and threads", async () => {
      const sent = await t.gt([
        "mail",
        "send",
        "gastown/witness",
        "-s",
        "Patrol now",
        "-m",
        "Check on rust.",
        "--from",
        "mayor/",
        "--urgent",
      ]);
      expect(sent.code).toBe(0);
      const id = Number(/Sent (\d+)/.exec(sent.stdout)?.[1]);

      const inbox = await t.gt(["mail", "inbox", "gastown/witness"]);
      expect(inbox.stdout).toContain("gastown/witness: 1 unread");
      expect(inbox.stdout).toMatch(new RegExp(`● ${id}\\s+Patrol now\\s+from mayor/ · notification P0`));

      const read = await t.gt(["mail", "read", String(id), "--address", "gastown/witness"]);
      expect(read.stdout.split("\n").slice(0, 1)).toEqual(["Patrol now"]);
      expect(read.stdout).toContain("Check on rust.");
      expect((await t.gt(["mail", "inbox", "gastown/witness"])).stdout).toContain("No unread mail.");

      const reply = await t.gt(["mail", "reply", String(id), "On", "it.", "--from", "gastown/witness"]);
      expect(reply.stdout).toContain("to mayor/");
      const thread = await t.json<{ messages: Array<{ id: number }> }>("gt", ["mail", "thread", String(id)]);
      expect(thread.messages).toHaveLength(2);

      const archived = await t.gt(["mail", "archive", String(id), "--address", "gastown/witness"]);
      expect(archived.stdout).toBe(`Archived ${id} for gastown/witness\n`);
      expect((await t.gt(["mail", "inbox", "gastown/witness", "--all"])).stdout).toContain("No mail.");
    });

    it("refuses a body over GitHub's limit, and a malformed address, clearly", async () => {
      const huge = await t.gt(["mail", "send", "mayor/", "-s", "Huge", "--stdin"], {
        readStdin: () => Promise.resolve("y".repeat(66_000)),
      });
      expect(huge.code).toBe(1);
      expect(huge.stderr).toMatch(/error: The mail is 66,\d{3} characters; GitHub allows at most 65,536/);
      const bad = await t.gt(["mail", "send", "gastown/polecats/", "-s", "x", "-m", "y"]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('error: "gastown/polecats/" is not a mail address');
      expect(bad.stderr).toContain("hint: Write one of mayor/");
    });
  });

  describe("gt hook", () => {
    it("gives exactly one of 30 concurrent attaches the bead; the rest are told the holder", async () => {
      const bead = await createBead(t.town, { title: "Hot potato" });
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          t.gt(["hook", "attach", String(bead.number), "--polecat", `cat${i}`]),
        ),
      );
      const winners = results.filter((r) => r.code === 0);
      expect(winners).toHaveLength(1);
      const holder = /on (cat\d+) \(attempt 1\)/.exec(winners[0]!.stdout)?.[1];
      expect(holder).toBeDefined();
      for (const loser of results.filter((r) => r.code !== 0)) {
        expect(loser.code).toBe(1);
        expect(loser.stderr).toContain(`error: #${bead.number} is already on a hook: ${holder} (attempt 1)`);
      }
      const shown = await t.gt(["hook", "--polecat", holder!]);
      expect(shown.stdout).toContain(`#${bead.number}`);
      const detached = await t.gt(["hook", "detach", String(bead.number), "--polecat", holder!]);
      expect(detached.stdout).toContain(`Detached #${bead.number} Hot potato from ${holder}`);
    }, 240_000);

    it("refuses a closed bead with what to do", async () => {
      const bead = await createBead(t.town, { title: "Closed already" });
      await t.bd(["close", String(bead.number)]);
      const result = await t.gt(["hook", "attach", String(bead.number), "--polecat", "rust"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `error: Bead #${bead.number} is closed, so it cannot be hooked.\nhint: Reopen it first (bd reopen ${bead.number}), or pick an open bead (bd ready).\n`,
      );
    });
  });

  describe("gt status", () => {
    it("shows convoys with progress bars, hooked beads and the ready count", async () => {
      const bead = await createBead(t.town, { title: "Status probe" });
      await t.gt(["hook", "attach", String(bead.number), "--polecat", "nux"]);
      const result = await t.gt(["status"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/acme\/town-\d+ {2}\d+ open · \d+ ready · 1 working/);
      expect(result.stdout).toContain("Cache warmup");
      expect(result.stdout).toMatch(/░+ 0\/1 \(0%\)/);
      expect(result.stdout).toMatch(
        new RegExp(`#${bead.number}\\s+P2\\s+task\\s+hooked\\s+Status probe\\s+· nux`),
      );
    });
  });

  describe("gt completion", () => {
    it("prints scripts for bash, zsh and fish that know the commands", async () => {
      const bash = await t.gt(["completion", "bash"]);
      expect(bash.stdout).toContain("complete -F _gt_complete gt");
      expect(bash.stdout).toContain("'convoy') opts='create add list status stranded close check");
      expect((await t.gt(["completion", "zsh"])).stdout).toContain("bashcompinit");
      expect((await t.gt(["completion", "fish"])).stdout).toContain(
        "complete -c gt -n '__fish_use_subcommand' -a 'mail'",
      );
      const bad = await t.gt(["completion", "tcsh"]);
      expect(bad.code).toBe(2);
    });
  });
});
