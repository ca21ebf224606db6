import { describe, expect, it } from "vitest";
import {
  type CommandError,
  COMMAND_NAMES,
  COMMAND_SPECS,
  isMutating,
  MAX_COMMANDS_PER_COMMENT,
  parseCommand,
  parseComment,
  type SlashCommand,
} from "../../src/app/commands/index.ts";

/** The parsed command, failing the test with the error when there is none. */
function command(text: string): SlashCommand {
  const parsed = parseCommand(text);
  if (!parsed.ok) throw new Error(`expected ${text} to parse: ${parsed.error.message} ${parsed.error.hint}`);
  return parsed.value;
}

/** The error, failing the test when the text parses. */
function error(text: string): CommandError {
  const parsed = parseCommand(text);
  if (parsed.ok) throw new Error(`expected ${text} to fail, got ${JSON.stringify(parsed.value)}`);
  return parsed.error as CommandError;
}

describe("parsing a comment", () => {
  it("returns every command in order, with its line and source", () => {
    const outcomes = parseComment("Looks good.\n/priority p1\n/sling --force\n\n/slign");
    expect(outcomes.map((o) => [o.line, o.source, o.ok])).toEqual([
      [2, "/priority p1", true],
      [3, "/sling --force", true],
      [5, "/slign", false],
    ]);
  });

  it("returns nothing for a comment without commands", () => {
    expect(parseComment("Just a note about /sling, in `/sling` and\n```\n/sling\n```")).toEqual([]);
  });

  it("reads at most the first commands of a very long list and reports the rest", () => {
    const body = Array.from({ length: MAX_COMMANDS_PER_COMMENT + 3 }, () => "/ready").join("\n");
    const outcomes = parseComment(body);
    expect(outcomes).toHaveLength(MAX_COMMANDS_PER_COMMENT + 1);
    const last = outcomes[MAX_COMMANDS_PER_COMMENT];
    expect(last?.ok).toBe(false);
    if (last && !last.ok) expect(last.error.message).toContain("3 skipped");
  });

  it("reports a text that is no command at all", () => {
    expect(error("sling #1").message).toBe('"sling #1" is not a slash command.');
  });
});

describe("/sling", () => {
  it("slings the bead commented on with no arguments", () => {
    expect(command("/sling")).toEqual({ name: "sling", target: null, formula: null, vars: {}, force: false });
  });

  it("takes another bead as the target, in any form people write", () => {
    expect(command("/sling #12")).toMatchObject({ target: { kind: "bead", ref: { number: 12 } } });
    expect(command("/sling 12")).toMatchObject({ target: { kind: "bead", ref: { number: 12 } } });
    expect(command("/sling octo/api#7")).toMatchObject({
      target: { kind: "bead", ref: { repo: "octo/api", number: 7 } },
    });
    expect(command("/sling https://github.com/octo/api/issues/9")).toMatchObject({
      target: { kind: "bead", ref: { repo: "octo/api", number: 9 } },
    });
  });

  it("takes a polecat name as the target", () => {
    expect(command("/sling furiosa")).toMatchObject({ target: { kind: "polecat", name: "furiosa" } });
  });

  it("reads --formula, repeated --var and --force in any order and either spelling", () => {
    expect(command('/sling --var a=1 --formula=shiny -f --var "title=Fix login" --var empty=')).toEqual({
      name: "sling",
      target: null,
      formula: "shiny",
      vars: { a: "1", title: "Fix login", empty: "" },
      force: true,
    });
  });

  describe("when the arguments are wrong", () => {
    it.each([
      ["/sling --formula", "/sling: --formula needs a value."],
      ["/sling --frce", "/sling: unknown option --frce."],
      ["/sling --var x", '/sling: --var needs key=value (got "x").'],
      ["/sling --var 1x=2", '/sling: --var name "1x" is not a variable name.'],
      ["/sling --var a=1 --var a=2", "/sling: --var a is given twice."],
      ["/sling --formula a --formula b", "/sling: --formula is given twice."],
      ["/sling --force=yes", "/sling: --force takes no value."],
      ["/sling #1 #2", '/sling: unexpected "#2".'],
      ["/sling bad/name!", '/sling: "bad/name!" is neither a bead nor a polecat name.'],
      ["/sling --formula ../evil", '/sling: "../evil" is not a formula name.'],
      ['/sling --var "a=1', '/sling: the quote at `"a=1` is never closed.'],
    ])("%s → %s", (text, message) => {
      const problem = error(text);
      expect(problem.message).toBe(message);
      expect(problem.command).toBe("sling");
      expect(problem.usage).toBe("/sling [#bead | polecat] [--formula F] [--var k=v]... [--force]");
      expect(problem.code).toBe("bad-input");
    });

    it("suggests the option meant", () => {
      expect(error("/sling --frce").hint).toBe("Did you mean --force?");
    });

    it("falls back to the usage line as the hint", () => {
      expect(error("/sling #1 #2").hint).toBe(
        "Write it as /sling [#bead | polecat] [--formula F] [--var k=v]... [--force].",
      );
    });
  });
});

describe("/unsling and /hook", () => {
  it("default to the bead commented on and accept another", () => {
    expect(command("/unsling")).toEqual({ name: "unsling", bead: null });
    expect(command("/hook #4")).toEqual({ name: "hook", bead: { number: 4 } });
  });

  it("refuse a second argument or a non-bead", () => {
    expect(error("/unsling #1 #2").message).toBe('/unsling: unexpected "#2".');
    expect(error("/hook nope").message).toBe('/hook: "nope" is not a bead.');
  });
});

describe("/convoy", () => {
  it("creates a named convoy of beads, notifying users", () => {
    expect(command('/convoy create "Auth rework" #1 octo/api#2 --notify @alice --notify bob,@carol')).toEqual(
      {
        name: "convoy",
        action: "create",
        title: "Auth rework",
        beads: [{ number: 1 }, { repo: "octo/api", number: 2 }],
        notify: ["alice", "bob", "carol"],
        feed: false,
      },
    );
  });

  it("marks a convoy feeding with --feed", () => {
    expect(command('/convoy create "Auth" #1 #2 --feed')).toMatchObject({ title: "Auth", feed: true });
  });

  it("takes a one-word name unquoted, and a quoted number as a name", () => {
    expect(command("/convoy create Auth #1")).toMatchObject({ title: "Auth", beads: [{ number: 1 }] });
    expect(command('/convoy create "2026" #1')).toMatchObject({ title: "2026", beads: [{ number: 1 }] });
  });

  it("names the convoy after its first bead when the first argument is a bead", () => {
    expect(command("/convoy create #1 #2")).toMatchObject({
      title: null,
      beads: [{ number: 1 }, { number: 2 }],
    });
  });

  it("adds beads and shows status", () => {
    expect(command("/convoy add #3 #4")).toEqual({
      name: "convoy",
      action: "add",
      beads: [{ number: 3 }, { number: 4 }],
    });
    expect(command("/convoy status")).toEqual({ name: "convoy", action: "status" });
  });

  it("switches feeding on and off", () => {
    expect(command("/convoy feed")).toEqual({ name: "convoy", action: "feed", feed: true });
    expect(command("/convoy feed off")).toEqual({ name: "convoy", action: "feed", feed: false });
  });

  describe("when the arguments are wrong", () => {
    it.each([
      ["/convoy", "/convoy: needs create, add, feed or status.", "Write it as "],
      ["/convoy creat #1", '/convoy: "creat" is not a convoy action.', "Did you mean /convoy create?"],
      ["/convoy create", "/convoy: create needs a name or beads.", 'Write /convoy create "name" #1 #2.'],
      [
        "/convoy create Auth rework #12",
        '/convoy: "rework" is not a bead.',
        'Quote a name with spaces: /convoy create "Auth rework" #1 #2.',
      ],
      ['/convoy create "" #1', "/convoy: the convoy name is empty.", "Write it as "],
      ["/convoy create #1 x", '/convoy: "x" is not a bead.', "Name beads as #12 or owner/repo#12."],
      ["/convoy create A --notify", "/convoy: --notify needs a value.", "Write it as "],
      [
        "/convoy create A --notify @-x",
        '/convoy: "@-x" is not a GitHub user.',
        "Write a GitHub login such as @alice.",
      ],
      ["/convoy add", "/convoy: add needs at least one bead.", "Write /convoy add #3."],
      ["/convoy status now", '/convoy: unexpected "now".', "Write it as "],
      [
        "/convoy feed maybe",
        '/convoy: "maybe" is neither on nor off.',
        "Write /convoy feed or /convoy feed off.",
      ],
    ])("%s → %s", (text, message, hint) => {
      const problem = error(text);
      expect(problem.message).toBe(message);
      expect(problem.hint.startsWith(hint)).toBe(true);
      expect(problem.usage?.split("\n")).toHaveLength(4);
    });
  });
});

describe("/mail", () => {
  it("sends a quoted subject and the rest of the line as the body", () => {
    expect(command('/mail gastown/polecats/nux "Use v2" Switch before the PR, it\'s easier.')).toEqual({
      name: "mail",
      to: { kind: "polecat", rig: "gastown", name: "nux" },
      subject: "Use v2",
      body: "Switch before the PR, it's easier.",
    });
  });

  it("continues the body on the lines below, up to the next command", () => {
    const [mail, ready] = parseComment("/mail mayor/ Status\nHow is it going?\n\nSecond paragraph.\n/ready");
    expect(mail?.ok && mail.command).toEqual({
      name: "mail",
      to: { kind: "mayor" },
      subject: "Status",
      body: "How is it going?\n\nSecond paragraph.",
    });
    expect(ready?.ok).toBe(true);
  });

  describe("when the arguments are wrong", () => {
    it.each([
      ["/mail", "/mail: needs an address, a subject and a body."],
      [
        "/mail nobody",
        '/mail: "nobody" is not a mail address: a rig role needs its rig, like gastown/witness.',
      ],
      ["/mail mayor/", "/mail: needs a subject after the address."],
      ['/mail mayor/ "Subject"', "/mail: needs a body after the subject."],
      ['/mail mayor/ "Subject', '/mail: the quote at `"Subject` is never closed.'],
    ])("%s → %s", (text, message) => {
      expect(error(text).message).toBe(message);
    });
  });
});

describe("/priority", () => {
  it("accepts p0..p4 and bare digits", () => {
    expect(command("/priority p0")).toEqual({ name: "priority", priority: 0 });
    expect(command("/priority P4")).toEqual({ name: "priority", priority: 4 });
    expect(command("/priority 3")).toEqual({ name: "priority", priority: 3 });
  });

  it.each([
    ["/priority", "/priority: needs a priority."],
    ["/priority p5", '/priority: "p5" is not a priority.'],
    ["/priority p1 p2", '/priority: unexpected "p2".'],
  ])("%s → %s", (text, message) => {
    expect(error(text).message).toBe(message);
  });
});

describe("/blocked-by", () => {
  it("takes one or more beads, prefix form included", () => {
    expect(command("/blocked-by #12 octo/api#3 gt-9")).toEqual({
      name: "blocked-by",
      blockers: [{ number: 12 }, { repo: "octo/api", number: 3 }, { number: 9 }],
    });
  });

  it.each([
    ["/blocked-by", "/blocked-by: needs the bead that blocks this one."],
    ["/blocked-by soon", '/blocked-by: "soon" is not a bead.'],
  ])("%s → %s", (text, message) => {
    expect(error(text).message).toBe(message);
  });
});

describe("/pour", () => {
  it("takes a formula and variables", () => {
    expect(command("/pour release --var version=1.4.0")).toEqual({
      name: "pour",
      formula: "release",
      vars: { version: "1.4.0" },
    });
  });

  it.each([
    ["/pour", "/pour: needs a formula name."],
    ["/pour a b", '/pour: unexpected "b".'],
    ["/pour rel/ease", '/pour: "rel/ease" is not a formula name.'],
    ["/pour release --var v", '/pour: --var needs key=value (got "v").'],
    ["/pour release --force", "/pour: unknown option --force."],
  ])("%s → %s", (text, message) => {
    expect(error(text).message).toBe(message);
  });
});

describe("/escalate", () => {
  it("defaults to medium and takes the text raw", () => {
    expect(command("/escalate the tests can't pass: CI is down")).toEqual({
      name: "escalate",
      severity: "medium",
      text: "the tests can't pass: CI is down",
    });
  });

  it("reads -s and --severity in either spelling, any case", () => {
    expect(command("/escalate -s HIGH stuck")).toMatchObject({ severity: "high", text: "stuck" });
    expect(command("/escalate --severity=critical prod is down")).toMatchObject({ severity: "critical" });
  });

  it("continues the text on the lines below", () => {
    const [outcome] = parseComment("/escalate -s low\nThe polecat keeps looping.");
    expect(outcome?.ok && outcome.command).toEqual({
      name: "escalate",
      severity: "low",
      text: "The polecat keeps looping.",
    });
  });

  it.each([
    ["/escalate", "/escalate: needs a description.", "Say what is wrong after the command."],
    ["/escalate -s", "/escalate: -s needs a severity.", "Write it as "],
    ["/escalate -s hgh x", '/escalate: "hgh" is not a severity.', "Did you mean -s high?"],
    [
      "/escalate -s urgent x",
      '/escalate: "urgent" is not a severity.',
      "Use one of: low, medium, high, critical.",
    ],
    ["/escalate -s high", "/escalate: needs a description.", "Say what is wrong after the command."],
  ])("%s → %s", (text, message, hint) => {
    const problem = error(text);
    expect(problem.message).toBe(message);
    expect(problem.hint.startsWith(hint)).toBe(true);
  });
});

describe("commands without arguments", () => {
  it.each(["ready", "status", "dequeue"] as const)("/%s parses alone and refuses arguments", (name) => {
    expect(command(`/${name}`)).toEqual({ name });
    const problem = error(`/${name} now`);
    expect(problem.message).toBe(`/${name}: takes no arguments (got "now").`);
    expect(problem.hint).toBe(`Write /${name} on its own.`);
  });
});

describe("/help", () => {
  it("takes an optional command, with or without its slash", () => {
    expect(command("/help")).toEqual({ name: "help", topic: null });
    expect(command("/help /convoy")).toEqual({ name: "help", topic: "convoy" });
  });

  it("suggests the command meant", () => {
    const problem = error("/help slign");
    expect(problem.message).toBe("/help: there is no command /slign.");
    expect(problem.hint).toBe("Did you mean /help sling?");
  });
});

describe("/queue", () => {
  it("takes an optional p=0..4 priority, P0 first as for beads", () => {
    expect(command("/queue")).toEqual({ name: "queue", priority: null });
    expect(command("/queue p=0")).toEqual({ name: "queue", priority: 0 });
    expect(command("/queue P=4")).toEqual({ name: "queue", priority: 4 });
    expect(command("/queue p1")).toEqual({ name: "queue", priority: 1 });
  });

  it.each([
    ["/queue high", '/queue: "high" is not a queue priority.'],
    ["/queue p=10", '/queue: "p=10" is not a queue priority.'],
    ["/queue p=-1", '/queue: "p=-1" is not a queue priority.'],
    ["/queue p=1 p=2", '/queue: unexpected "p=2".'],
  ])("%s → %s", (text, message) => {
    expect(error(text).message).toBe(message);
  });
});

describe("unknown commands", () => {
  it.each([
    ["/slign", "sling"],
    ["/unslign", "unsling"],
    ["/convy", "convoy"],
    ["/blockedby", "blocked-by"],
    ["/blocked", "blocked-by"],
    ["/stauts", "status"],
    ["/hepl", "help"],
    ["/deq", "dequeue"],
  ])("%s suggests /%s", (text, suggestion) => {
    const problem = error(text);
    expect(problem.suggestion).toBe(suggestion);
    expect(problem.command).toBeNull();
    expect(problem.hint).toContain(`Did you mean /${suggestion}?`);
  });

  it("lists every command when nothing is close", () => {
    const problem = error("/deploy");
    expect(problem.message).toBe("/deploy is not a Gas Town command.");
    expect(problem.suggestion).toBeNull();
    for (const name of COMMAND_NAMES) expect(problem.hint).toContain(`/${name}`);
  });
});

describe("which commands change the town", () => {
  it("marks each command as the permission check needs it", () => {
    const table = Object.fromEntries(
      [
        "/sling",
        "/unsling",
        "/hook",
        "/convoy create A #1",
        "/convoy add #1",
        "/convoy status",
        "/convoy feed",
        "/mail mayor/ s b",
        "/ready",
        "/status",
        "/priority p1",
        "/blocked-by #1",
        "/pour x",
        "/escalate x",
        "/help",
        "/queue",
        "/dequeue",
      ].map((text) => [text, isMutating(command(text))]),
    );
    expect(table).toEqual({
      "/sling": true,
      "/unsling": true,
      "/hook": false,
      "/convoy create A #1": true,
      "/convoy add #1": true,
      "/convoy status": false,
      "/convoy feed": true,
      "/mail mayor/ s b": true,
      "/ready": false,
      "/status": false,
      "/priority p1": true,
      "/blocked-by #1": true,
      "/pour x": true,
      "/escalate x": true,
      "/help": false,
      "/queue": true,
      "/dequeue": true,
    });
  });

  it("has a spec, with usage and examples that parse, for every command", () => {
    expect(COMMAND_SPECS.map((s) => s.name)).toEqual([...COMMAND_NAMES]);
    for (const spec of COMMAND_SPECS) {
      for (const example of spec.examples) expect(parseCommand(example).ok, example).toBe(true);
    }
  });
});
