import { describe, expect, it } from "vitest";
import {
  fenced,
  formatCost,
  formatDuration,
  inlineCode,
  neutralizeClosingKeywords,
  neutralizeMentions,
  oneLine,
  stripHidden,
} from "../../src/runner/format.ts";

const ZWSP = "\u200b";

describe("text for GitHub", () => {
  it("defuses mentions but leaves e-mail addresses and code alone", () => {
    expect(neutralizeMentions("@alice and @org/team, mail bob@example.com, `@x`")).toBe(
      `@${ZWSP}alice and @${ZWSP}org/team, mail bob@example.com, \`@x\``,
    );
  });

  it("defuses closing keywords before issue references only", () => {
    expect(
      neutralizeClosingKeywords(
        "Fixes #1, closes: acme/app#2, resolved https://github.com/a/b/issues/3; fix the bug",
      ),
    ).toBe(
      `Fixes${ZWSP} #1, closes${ZWSP}: acme/app#2, resolved${ZWSP} https://github.com/a/b/issues/3; fix the bug`,
    );
  });

  it("strips terminal escapes, controls and invisible characters", () => {
    expect(stripHidden("a\u001b[1;31mb\u001b]0;title\u0007c\u0000d\u200be\u202ef\r\ng")).toBe("abcdef\ng");
  });

  it("makes one short line", () => {
    expect(oneLine("  a\n\tb  ", 10)).toBe("a b");
    expect(oneLine("abcdefghijk", 5)).toBe("abcd…");
  });
});

describe("markdown helpers", () => {
  it("fences text with more backticks than it holds", () => {
    expect(fenced("a ``` b", "text")).toBe("````text\na ``` b\n````");
    expect(fenced("plain\n")).toBe("```\nplain\n```");
  });

  it("makes inline code that backticks cannot break", () => {
    expect(inlineCode("npm test")).toBe("`npm test`");
    expect(inlineCode("a `b` c")).toBe("``a `b` c``");
    expect(inlineCode("`x`")).toBe("`` `x` ``");
    expect(inlineCode("")).toBe("``");
  });
});

describe("figures", () => {
  it.each([
    [0, "0s"],
    [42_400, "42s"],
    [125_000, "2m 05s"],
    [3_720_000, "1h 02m"],
  ])("formats %i ms as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([
    [0, "$0.00"],
    [0.0042, "$0.0042"],
    [1.5, "$1.50"],
  ])("formats $%f as %s", (usd, text) => {
    expect(formatCost(usd)).toBe(text);
  });
});
