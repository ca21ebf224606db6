// `gt` in-process against the loopback GitHub: convoys that land once, mail, hooks with many
// concurrent claims, status, doctor and completions.
import { execa } from "execa";
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
      const again = await t.json<{
        healthy: boolean;
        checks: Array<{ name: string; status: string; summary: string }>;
      }>("gt", ["doctor"]);
      expect(again.healthy).toBe(true);
      expect(again.checks.filter((c) => c.name !== "refinery").every((c) => c.status === "ok")).toBe(true);
      // The town's repo has no CI at all: the refinery would wait for checks forever.
      expect(again.checks.find((c) => c.name === "refinery")).toMatchObject({
        status: "warn",
        summary: expect.stringContaining(
          "No workflow in .github/workflows runs on pushes to gastown/staging",
        ),
      });
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
        "--notify",
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

    it("creates one from an epic, adds to it, and closes it only with --force while work is open", async () => {
      const epic = await createBead(t.town, { title: "Billing", type: "epic" });
      const invoice = await createBead(t.town, { title: "Invoices", parent: epic.number });
      const created = await t.json<{
        convoy: { number: number; title: string };
        beads: Array<{ number: number }>;
      }>("gt", ["convoy", "create", "--from-epic", String(epic.number), "--owner", "mayor/"]);
      expect(created.convoy.title).toBe("Billing");
      expect(created.beads.map((b) => b.number)).toEqual([invoice.number]);
      const number = created.convoy.number;

      const extra = await createBead(t.town, { title: "Receipts" });
      const added = await t.gt(["convoy", "add", String(number), String(extra.number)]);
      expect(added.stdout).toBe(`Added 1 bead(s) to convoy ${number} Billing\n`);
      const status = await t.json<{ progress: { total: number; beads: Array<{ number: number }> } }>("gt", [
        "convoy",
        "status",
        String(number),
      ]);
      expect(status.progress.beads.map((b) => b.number)).toEqual([invoice.number, extra.number]);

      const refused = await t.gt(["convoy", "close", String(number)]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe(
        `error: Convoy ${number} still has 2 open beads: #${invoice.number}, #${extra.number}.\nhint: Close them first, or pass --force to close the convoy anyway (they stay in it). Nothing was changed.\n`,
      );
      expect(
        (await t.json<Array<{ number: number }>>("gt", ["convoy", "list"])).map((c) => c.number),
      ).toContain(number);
      const closed = await t.gt(["convoy", "close", String(number), "--force"]);
      expect(closed.stdout).toBe(`Closed convoy ${number} Billing\n`);
      expect((await t.gt(["convoy", "close", String(number)])).stdout).toBe(
        `Convoy ${number} was already closed\n`,
      );
    });

    it("belongs by default to the person whose token made it, who is @mentioned when it lands", async () => {
      t.sim.setPermission(t.repo, "alice", "write");
      const alice = t.sim.token({ kind: "user", login: "alice" });
      const bead = await createBead(t.town, { title: "Alice's errand" });
      const created = await t.json<{ convoy: { number: number; metadata: { owner?: string } } }>("gt", [
        "convoy",
        "create",
        "Errands",
        String(bead.number),
      ]);
      // The app's installation token is no person: the overseer owns what it makes.
      expect(created.convoy.metadata.owner).toBe("overseer");
      await t.gt(["convoy", "add", String(created.convoy.number), String(bead.number), "--force"]);

      const other = await createBead(t.town, { title: "Alice's second errand" });
      const mine = await t.gt(["convoy", "create", "Alice errands", String(other.number), "--json"], {
        env: { GITHUB_TOKEN: alice },
      });
      const convoy = (JSON.parse(mine.stdout) as { convoy: { number: number; metadata: { owner?: string } } })
        .convoy;
      expect(convoy.metadata.owner).toBe("@alice");
      await t.bd(["close", String(other.number)]);
      const landed = await t.gt(["convoy", "check", String(convoy.number)]);
      expect(landed.stdout).toBe(`${convoy.number} Alice errands: landed and told overseer, @alice\n`);
      const notice = (await listRepoComments(t.town)).find((c) =>
        c.body.includes("Convoy landed: Alice errands"),
      );
      expect(notice?.body).toContain("cc @alice");
    });

    it("prints JSON for every convoy listing", async () => {
      for (const args of [["list", "--all"], ["status", "1"], ["stranded"], ["check", "--dry-run"]]) {
        const result = await t.gt(["convoy", ...args, "--json"]);
        expect(result.code, args.join(" ")).toBe(0);
        expect(() => JSON.parse(result.stdout), args.join(" ")).not.toThrow();
      }
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

    it("takes the subject and message as words after the address", async () => {
      const sent = await t.gt(["mail", "send", "mayor/", "Status", "Auth convoy", "is moving"]);
      expect(sent.code, sent.stderr).toBe(0);
      const id = Number(/Sent (\d+)/.exec(sent.stdout)?.[1]);
      const read = await t.json<{ message: { body: string; envelope: { subject: string } } }>("gt", [
        "mail",
        "read",
        String(id),
        "--address",
        "mayor/",
      ]);
      expect(read.message.envelope.subject).toBe("Status");
      expect(read.message.body).toBe("Auth convoy is moving");
      const human = await t.gt(["mail", "send", "--human", "Decide", "Which", "queue?"]);
      expect(human.stdout).toMatch(/^Sent \d+ to overseer on #\d+/);

      const twice = await t.gt(["mail", "send", "mayor/", "Status", "words", "-m", "and a flag"]);
      expect(twice.code).toBe(2);
      expect(twice.stderr).toContain("error: Give the message once: as words, with -m, or with --stdin.");
      const both = await t.gt(["mail", "send", "mayor/", "--human", "-s", "x", "-m", "y"]);
      expect(both.code).toBe(2);
      expect(both.stderr).toContain("error: Give a recipient or --human, not both.");
      const nothing = await t.gt(["mail", "send", "mayor/"]);
      expect(nothing.code).toBe(2);
      expect(nothing.stderr).toContain("error: The mail has no subject.");
    });

    it("sends to the humans with --human, onto a bead with --bead, and lists as JSON", async () => {
      const human = await t.json<{ issue: number; message: { envelope: { to: { kind: string } } } }>("gt", [
        "mail",
        "send",
        "--human",
        "-s",
        "Need a decision",
        "-m",
        "Which database?",
        "--from",
        "mayor/",
        "--type",
        "escalation",
      ]);
      expect(human.message.envelope.to).toEqual({ kind: "overseer" });
      const inbox = await t.json<{ entries: Array<{ message: { envelope: { subject: string } } }> }>("gt", [
        "mail",
        "inbox",
      ]);
      expect(inbox.entries.map((e) => e.message.envelope.subject)).toContain("Need a decision");

      const bead = await createBead(t.town, { title: "Mail target" });
      const onBead = await t.json<{ issue: number; onBead: boolean }>("gt", [
        "mail",
        "send",
        "@town",
        "-s",
        "Heads up",
        "-m",
        "Look at this bead.",
        "--bead",
        `gt-${bead.number}`,
      ]);
      expect(onBead).toMatchObject({ issue: bead.number, onBead: true });
      const town = await t.json<{ entries: Array<{ message: { issue: number } }> }>("gt", [
        "mail",
        "inbox",
        "gastown/polecats/any",
      ]);
      expect(town.entries.map((e) => e.message.issue)).toContain(bead.number);
    });

    it("refuses a body over GitHub's limit, and a malformed address, clearly and sending nothing", async () => {
      const before = (await listRepoComments(t.town)).length;
      const mailboxes = () => t.json<unknown[]>("bd", ["list", "-t", "mailbox", "-s", "all"]);
      const boxesBefore = (await mailboxes()).length;
      const huge = await t.gt(["mail", "send", "otherrig/witness", "-s", "Huge", "--stdin"], {
        readStdin: () => Promise.resolve("y".repeat(66_000)),
      });
      expect(huge.code).toBe(1);
      expect(huge.stderr).toMatch(/error: The mail is 66,\d{3} characters; GitHub allows at most 65,536/);
      expect(huge.stderr).toContain("hint: Shorten the body");
      const bad = await t.gt(["mail", "send", "gastown/polecats/", "-s", "x", "-m", "y"]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toBe(
        'error: "gastown/polecats/" is not a mail address: the polecat name is empty.\nhint: Write one of mayor/, deacon/, overseer (or --human), @town, <rig>/witness, <rig>/refinery, <rig>/polecats/<name> or <rig>/crew/<name>.\n',
      );
      const badSender = await t.gt(["mail", "send", "mayor/", "-s", "x", "-m", "y", "--from", "@everyone"]);
      expect(badSender.code).toBe(2);
      expect(badSender.stderr).toContain('"@everyone" is not a known group (only @town is)');
      expect((await listRepoComments(t.town)).length).toBe(before);
      expect((await mailboxes()).length).toBe(boxesBefore);
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

    it("refuses a closed bead with what to do, and claims nothing", async () => {
      const bead = await createBead(t.town, { title: "Closed already" });
      await t.bd(["close", String(bead.number)]);
      const result = await t.gt(["hook", "attach", String(bead.number), "--polecat", "rust"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `error: Bead #${bead.number} is closed, so it cannot be hooked.\nhint: Reopen it first (bd reopen ${bead.number}), or pick an open bead (bd ready).\n`,
      );
      const shown = await t.json<{ claim: { held: boolean }; bead: { labels: string[]; metadata: object } }>(
        "gt",
        ["hook", "show", String(bead.number)],
      );
      expect(shown.claim).toEqual({ held: false });
      expect(shown.bead.metadata).toEqual({});
    });
  });

  describe("gt status", () => {
    it("prints JSON with --json", async () => {
      const status = await t.json<{ repo: string; ready: number; convoys: unknown[] }>("gt", ["status"]);
      expect(status.repo).toBe(t.env.GASTOWN_REPO);
      expect(typeof status.ready).toBe("number");
    });

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

    it("completes subcommands and options when bash runs the script", async () => {
      const script = (await t.gt(["completion", "bash"])).stdout;
      const complete = async (words: string[]) => {
        const line = words.map((w) => `'${w}'`).join(" ");
        const result = await execa(
          "bash",
          [
            "-c",
            `eval "$SCRIPT"; COMP_WORDS=(${line}); COMP_CWORD=${words.length - 1}; _gt_complete; echo "\${COMPREPLY[*]}"`,
          ],
          { env: { SCRIPT: script }, extendEnv: false },
        );
        return result.stdout.split(" ");
      };
      expect(await complete(["gt", "convoy", ""])).toEqual(
        expect.arrayContaining(["create", "add", "list", "status", "close", "check", "stranded"]),
      );
      expect(await complete(["gt", "mail", "send", "--h"])).toEqual(["--human", "--help"]);
      expect(await complete(["gt", "ho"])).toEqual(["hook"]);
    });
  });
});
