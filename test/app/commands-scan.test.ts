import { describe, expect, it } from "vitest";
import { scanCommandLines } from "../../src/app/commands/scan.ts";
import { tokenize, TokenizeError, Lexer } from "../../src/app/commands/tokenize.ts";

const names = (body: string) => scanCommandLines(body).map((c) => `${c.line}:${c.name}`);

describe("finding commands in a comment", () => {
  describe("when commands start lines", () => {
    it("finds one per line, in order, with line numbers", () => {
      expect(names("Please pick this up.\n/sling\n/priority p1\nthanks")).toEqual(["2:sling", "3:priority"]);
    });

    it("accepts up to three spaces before the slash and any newline convention", () => {
      expect(names("   /sling\r\n/ready\r/status")).toEqual(["1:sling", "2:ready", "3:status"]);
    });

    it("lowercases the name and keeps the rest of the line as arguments", () => {
      const [line] = scanCommandLines("/Sling furiosa --force  ");
      expect(line).toMatchObject({
        name: "sling",
        args: " furiosa --force  ",
        source: "/Sling furiosa --force",
      });
    });
  });

  describe("when a slash is not a command", () => {
    it("ignores commands in the middle of a line, paths and list items", () => {
      expect(names("run /sling later\n/usr/bin/env\n- /sling\n\\/sling")).toEqual([]);
    });

    it("ignores lines indented as code", () => {
      expect(names("text\n\n    /sling\n\t/sling")).toEqual([]);
    });
  });

  describe("when commands sit in code or quotes", () => {
    it("ignores fenced code blocks with backticks or tildes, and resumes after them", () => {
      const body = ["```sh", "/sling", "```", "~~~~", "/unsling", "~~~", "~~~~", "/sling #3", "/ready"].join(
        "\n",
      );
      // The tilde fence of 4 is not closed by 3 tildes (line 6), only by 4 (line 7).
      expect(names(body)).toEqual(["8:sling", "9:ready"]);
    });

    it("treats an unclosed fence as code to the end of the comment", () => {
      expect(names("```\n/sling\n/ready")).toEqual([]);
    });

    it("ignores quoted lines, so a reply quoting a command does not run it again", () => {
      expect(names("> /sling\n>/ready\n  > /status\n/hook")).toEqual(["4:hook"]);
    });

    it("ignores lines that start inside an inline code span running across lines", () => {
      expect(names("try `gt sling\n/sling` then\n/ready")).toEqual(["3:ready"]);
    });

    it("does not treat an unmatched backtick as opening code", () => {
      expect(names("a stray ` here\n/sling")).toEqual(["2:sling"]);
    });

    it("ignores commands inside HTML comments", () => {
      expect(names("<!-- hidden\n/sling\n-->\n/ready\n<!-- one line --> ok\n/status")).toEqual([
        "4:ready",
        "6:status",
      ]);
    });
  });

  describe("lines after a command", () => {
    it("gives each command the lines up to the next command, without trailing blank lines", () => {
      const [mail, ready] = scanCommandLines('/mail mayor/ "Hi" first\nsecond\n\n/ready\n\n');
      expect(mail?.following).toEqual(["second"]);
      expect(ready?.following).toEqual([]);
    });
  });
});

describe("splitting arguments into words", () => {
  it("splits on whitespace", () => {
    expect(tokenize("  a  b\tc ")).toEqual(["a", "b", "c"]);
  });

  it('keeps double-quoted text together, with \\" and \\\\ escapes', () => {
    expect(tokenize('"Auth rework" "say \\"hi\\"" "back\\\\slash"')).toEqual([
      "Auth rework",
      'say "hi"',
      "back\\slash",
    ]);
  });

  it("keeps single-quoted text literally", () => {
    expect(tokenize("'a \\\" b'")).toEqual(['a \\" b']);
  });

  it("joins quoted and bare parts of one word", () => {
    expect(tokenize('--var title="Fix login" x')).toEqual(["--var", "title=Fix login", "x"]);
  });

  it("escapes a character with a backslash outside quotes", () => {
    expect(tokenize('a\\ b c\\"d')).toEqual(["a b", 'c"d']);
  });

  it("accepts curly quotes as typed by phones", () => {
    expect(tokenize("\u201cAuth rework\u201d \u2018it is\u2019 don\u2019t")).toEqual([
      "Auth rework",
      "it is",
      "don\u2019t",
    ]);
  });

  it("keeps an empty quoted word", () => {
    expect(tokenize('a "" b')).toEqual(["a", "", "b"]);
  });

  it("fails on an unclosed quote, saying where it opened", () => {
    expect(() => tokenize('a "b c')).toThrow(TokenizeError);
    try {
      tokenize('a "b c');
    } catch (error: unknown) {
      expect((error as TokenizeError).offset).toBe(2);
    }
  });

  it("takes free text raw after the words it needs, apostrophes included", () => {
    const lexer = new Lexer("mayor/ Subject don't panic, it's \"fine\"");
    expect(lexer.next()?.value).toBe("mayor/");
    expect(lexer.next()?.value).toBe("Subject");
    expect(lexer.restText()).toBe("don't panic, it's \"fine\"");
  });

  it("unquotes free text that is exactly one quoted word, and consumes it", () => {
    const lexer = new Lexer(' "all of it" ');
    expect(lexer.restText()).toBe("all of it");
    expect(lexer.next()).toBeNull();
    expect(new Lexer('"part" and more').restText()).toBe('"part" and more');
  });
});
