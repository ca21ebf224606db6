import { describe, expect, it } from "vitest";
import {
  type CommandError,
  closestMatch,
  editDistance,
  parseCommand,
  renderCommandError,
  renderCommandHelp,
  renderHelp,
} from "../../src/app/commands/index.ts";

describe("edit distance", () => {
  it("counts insertions, deletions, substitutions and a swap of neighbours as one edit each", () => {
    expect(editDistance("sling", "sling")).toBe(0);
    expect(editDistance("slng", "sling")).toBe(1);
    expect(editDistance("slings", "sling")).toBe(1);
    expect(editDistance("sliny", "sling")).toBe(1);
    expect(editDistance("slign", "sling")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
  });
});

describe("the closest match", () => {
  const words = ["sling", "unsling", "status", "ready"];

  it("picks the nearest word within two edits", () => {
    expect(closestMatch("stauts", words)).toBe("status");
    expect(closestMatch("SLIGN", words)).toBe("sling");
  });

  it("allows one edit only for short inputs, so noise is not 'corrected'", () => {
    expect(closestMatch("rdy", words)).toBeNull();
    expect(closestMatch("me", words)).toBeNull();
  });

  it("falls back to the only word that starts with a long enough input", () => {
    expect(closestMatch("unsl", words)).toBe("unsling");
    expect(closestMatch("s", words)).toBeNull();
  });
});

describe("/help", () => {
  it("lists every command, what it does and whether it needs write access", () => {
    expect(renderHelp()).toMatchInlineSnapshot(`
      "**Gas Town commands.** Write each at the start of its own line; several per comment are fine.

      | Command | What it does | Needs write |
      | --- | --- | --- |
      | \`/sling [#bead \\| polecat] [--formula F] [--var k=v]... [--force]\` | Hook the bead to a polecat and start its run | yes |
      | \`/unsling [#bead]\` | Cancel the run and release the hook (keeps the branch) | yes |
      | \`/hook [#bead]\` | Show the polecat, run and attempt holding the bead | no |
      | \`/convoy create "name" #1 #2... [--notify @user]... [--feed]\` | Group beads into a convoy (a milestone); --feed slings them one after another | yes |
      | \`/convoy add #3 [#4...]\` | Add beads to this bead's convoy | yes |
      | \`/convoy feed [off]\` | Sling this bead's convoy one bead at a time, each when the last closes | yes |
      | \`/convoy status\` | Show this bead's convoy and its progress | no |
      | \`/mail <address> "subject" <body...>\` | Send mail to an agent or the overseer | yes |
      | \`/ready\` | List the beads ready to sling | no |
      | \`/status\` | Show the bead's status, hook, convoy and blockers | no |
      | \`/priority p0..p4\` | Set the bead's priority (p0 critical … p4 backlog) | yes |
      | \`/blocked-by #12 [#13...]\` | Record that other beads block this one | yes |
      | \`/pour <formula> [--var k=v]...\` | Pour a formula into steps under this bead | yes |
      | \`/escalate [-s low\\|medium\\|high\\|critical] text\` | Ask the overseers for help (default severity: medium) | yes |
      | \`/help [command]\` | Show this list, or one command in detail | no |

      **On pull requests** (the refinery's merge queue):

      | Command | What it does | Needs write |
      | --- | --- | --- |
      | \`/queue [p=0..4]\` | Put this pull request in the refinery's merge queue (p=0 goes first) | yes |
      | \`/dequeue\` | Take this pull request out of the merge queue | yes |

      Commands that change the town need write, maintain or admin permission on this repository.
      Quote arguments with spaces (\`"like this"\`). \`/help <command>\` shows one command in detail."
    `);
  });

  it("shows one command's forms and examples", () => {
    expect(renderCommandHelp("convoy")).toMatchInlineSnapshot(`
      "**/convoy**

      - \`/convoy create "name" #1 #2... [--notify @user]... [--feed]\`: Group beads into a convoy (a milestone); --feed slings them one after another (needs write access)
      - \`/convoy add #3 [#4...]\`: Add beads to this bead's convoy (needs write access)
      - \`/convoy feed [off]\`: Sling this bead's convoy one bead at a time, each when the last closes (needs write access)
      - \`/convoy status\`: Show this bead's convoy and its progress

      Examples:

      \`\`\`
      /convoy create "Auth rework" #12 #13 --notify @alice --feed
      /convoy add #14
      /convoy feed
      /convoy status
      \`\`\`"
    `);
  });
});

describe("a command error as a reply", () => {
  it("quotes the line, says what is wrong, and shows the usage and the hint", () => {
    const parsed = parseCommand("/priority p7");
    if (parsed.ok) throw new Error("expected an error");
    expect(renderCommandError(parsed.error as CommandError, "/priority p7")).toMatchInlineSnapshot(`
      "> /priority p7

      /priority: "p7" is not a priority.

      Usage:

      \`\`\`
      /priority p0..p4
      \`\`\`

      Write 0, 1, 2, 3 or 4 (or p0…p4); 2 is the default."
    `);
  });

  it("gives an unknown command the closest one and no usage", () => {
    const parsed = parseCommand("/slign #3");
    if (parsed.ok) throw new Error("expected an error");
    expect(renderCommandError(parsed.error as CommandError)).toMatchInlineSnapshot(
      `
      "/slign is not a Gas Town command.

      Did you mean /sling? The commands are: /sling, /unsling, /hook, /convoy, /mail, /ready, /status, /priority, /blocked-by, /pour, /escalate, /help, /queue, /dequeue."
    `,
    );
  });
});
