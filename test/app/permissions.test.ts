import { describe, expect, it } from "vitest";
import { parseCommand, type SlashCommand } from "../../src/app/commands/index.ts";
import {
  type MayRunInput,
  mayRun,
  needsPermissionLookup,
  normalizeLogin,
  renderRefusal,
} from "../../src/app/permissions.ts";
import type { PermissionLevel } from "../../src/model/permission.ts";

const cmd = (text: string): SlashCommand => {
  const parsed = parseCommand(text);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
};

const base: MayRunInput = {
  command: cmd("/sling"),
  permission: "write",
  actor: "alice",
  isBot: false,
  allowedBots: [],
  appLogin: "gastown[bot]",
};

describe("who may run a command", () => {
  describe("a person's permission", () => {
    const levels: PermissionLevel[] = ["none", "read", "triage", "write", "maintain", "admin"];

    it.each(levels)("with %s: a mutating command is allowed only from write up", (permission) => {
      const decision = mayRun({ ...base, permission });
      const allowed = ["write", "maintain", "admin"].includes(permission);
      expect(decision.kind).toBe(allowed ? "allow" : "refuse");
    });

    it.each(levels)("with %s: read-only commands are allowed", (permission) => {
      for (const text of ["/help", "/status", "/ready", "/hook", "/convoy status"]) {
        expect(mayRun({ ...base, command: cmd(text), permission }).kind, text).toBe("allow");
      }
    });

    it("needs no permission lookup for read-only commands", () => {
      expect(mayRun({ ...base, command: cmd("/status"), permission: null })).toEqual({ kind: "allow" });
      expect(needsPermissionLookup({ ...base, command: cmd("/status") })).toBe(false);
      expect(needsPermissionLookup({ ...base, command: cmd("/convoy add #1") })).toBe(true);
    });

    it("treats a mutating command without a looked-up permission as a programming error", () => {
      expect(() => mayRun({ ...base, permission: null })).toThrow(/look up alice's permission first/);
    });

    it("refuses politely, naming the command, what it needs and what the person has", () => {
      const decision = mayRun({ ...base, command: cmd("/convoy create A #1"), permission: "triage" });
      expect(decision).toEqual({ kind: "refuse", reason: "needs-write", message: expect.any(String) });
      if (decision.kind === "refuse") {
        expect(decision.message).toMatchInlineSnapshot(`
          "Sorry @alice, \`/convoy create\` changes the town, so it needs write, maintain or admin permission on this repository, and you have triage access. Nothing was changed.

          A maintainer can run the command for you. \`/help\` lists the commands anyone can use."
        `);
      }
    });

    it("words a refusal for someone with no access", () => {
      expect(renderRefusal({ actor: "@mallory", command: cmd("/sling"), permission: "none" })).toContain(
        "Sorry @mallory, `/sling` changes the town, so it needs write, maintain or admin permission on this repository, and you have no access.",
      );
    });
  });

  describe("the app's own comments", () => {
    it.each([
      ["gastown[bot]", true],
      ["Gastown[bot]", false],
    ])("are ignored (%s, isBot %s), even when bots are allowlisted", (actor, isBot) => {
      const decision = mayRun({ ...base, actor, isBot, allowedBots: ["*"], command: cmd("/help") });
      expect(decision).toEqual({ kind: "ignore", reason: "own-comment" });
      expect(needsPermissionLookup({ ...base, actor, isBot })).toBe(false);
    });

    it("are not confused with a person whose login is the app's name", () => {
      expect(mayRun({ ...base, actor: "gastown", isBot: false, permission: "admin" })).toEqual({
        kind: "allow",
      });
    });

    it("match the workflow bot when the app runs in Actions", () => {
      expect(
        mayRun({ ...base, actor: "github-actions[bot]", isBot: true, appLogin: "github-actions[bot]" }),
      ).toEqual({ kind: "ignore", reason: "own-comment" });
    });
  });

  describe("other bots", () => {
    it("are ignored unless allowlisted, without a reply", () => {
      expect(mayRun({ ...base, actor: "renovate[bot]", isBot: true, permission: null })).toEqual({
        kind: "ignore",
        reason: "bot-not-allowed",
      });
    });

    it("are recognised by their [bot] suffix even when the payload does not say", () => {
      expect(mayRun({ ...base, actor: "renovate[bot]", isBot: false }).kind).toBe("ignore");
    });

    it.each([["renovate[bot]"], ["renovate"], ["Renovate[BOT]"], ["*"]])(
      "allowlisted as %s may run mutating commands without a permission lookup",
      (entry) => {
        const input = {
          ...base,
          actor: "renovate[bot]",
          isBot: true,
          allowedBots: [entry],
          permission: null,
        };
        expect(needsPermissionLookup(input)).toBe(false);
        expect(mayRun(input)).toEqual({ kind: "allow" });
      },
    );

    it("allowlisting one bot does not allow another", () => {
      expect(
        mayRun({ ...base, actor: "dependabot[bot]", isBot: true, allowedBots: ["renovate[bot]"] }).kind,
      ).toBe("ignore");
    });
  });

  it("compares logins without case, @ or [bot]", () => {
    expect(normalizeLogin(" @Alice[bot] ")).toBe("alice");
  });
});
