import { describe, expect, it } from "vitest";
import { mapTomlSource, parseJsonSource } from "../../src/formula/locate.ts";

describe("mapTomlSource", () => {
  const text = `# a comment
formula = "x"
description = """
multi
line [[not a table]]
"""

[vars.feature]
default = 'it''s'

[[steps]]
id = "a"
needs = [
  "one", # trailing comment
  "two",
]

[steps.gate]
type = "timer"

[[steps]]
"id" = "b"
loop = { count = 2, body = [{ id = "c", title = "C" }] }

[[steps.children]]
id = "d"
`;
  const map = mapTomlSource(text);

  it("finds top-level keys", () => {
    expect(map.locate(["formula"])).toEqual({ line: 2, column: 1 });
  });

  it("is not fooled by brackets inside multi-line strings", () => {
    expect(map.locate(["vars", "feature", "default"])).toEqual({ line: 9, column: 1 });
  });

  it("counts arrays of tables and attaches sub-tables to the latest element", () => {
    expect(map.locate(["steps", 0, "id"])).toEqual({ line: 12, column: 1 });
    expect(map.locate(["steps", 0, "gate", "type"])).toEqual({ line: 19, column: 1 });
    expect(map.locate(["steps", 1, "id"])).toEqual({ line: 22, column: 1 });
    expect(map.locate(["steps", 1, "children", 0, "id"])).toEqual({ line: 26, column: 1 });
  });

  it("finds elements of multi-line arrays and inline tables", () => {
    expect(map.locate(["steps", 0, "needs", 1])).toEqual({ line: 15, column: 3 });
    expect(map.locate(["steps", 1, "loop", "body", 0, "title"])).toEqual({ line: 23, column: 41 });
  });

  it("falls back to the closest written ancestor", () => {
    expect(map.locate(["steps", 0, "gate", "timeout"])).toEqual({ line: 18, column: 1 });
    expect(map.locate(["nowhere"])).toEqual({ line: 1, column: 1 });
  });
});

describe("parseJsonSource", () => {
  it("returns the value and the positions of keys and elements", () => {
    const result = parseJsonSource('{\n  "a": [1, {"b": "x\\"y"}],\n  "c": null\n}');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toEqual({ a: [1, { b: 'x"y' }], c: null });
    expect(result.map.locate(["a", 1, "b"])).toEqual({ line: 2, column: 13 });
    expect(result.map.locate(["c"])).toEqual({ line: 3, column: 3 });
  });

  it.each([
    ['{"a": 1,}', 'expected a key in double quotes, found "}"', 1, 9],
    ['{"a" 1}', 'expected ":" after the key "a", found "1"', 1, 6],
    ['{"a": "b', "unterminated string", 1, 7],
    ["[1] 2", 'unexpected "2" after the document', 1, 5],
    ["", "unexpected end of file", 1, 1],
  ])("locates the syntax error in %j", (text, message, line, column) => {
    expect(parseJsonSource(text)).toEqual({ ok: false, error: { message, position: { line, column } } });
  });
});
