import { describe, expect, it } from "vitest";
import { ArithError, evaluateArithmetic } from "../../src/formula/index.ts";

describe("evaluateArithmetic", () => {
  describe("when the expression is well formed", () => {
    it.each([
      ["1 + 2 * 3", 7],
      ["(1 + 2) * 3", 9],
      ["2^10 - 1", 1023],
      ["2^3^2", 512],
      ["-2^2", -4],
      ["7 / 2", 3],
      ["-7 / 2", -3],
      ["7 % 3", 1],
      ["6 & 3", 2],
      ["6 | 3", 7],
      ["1 + 2 & 3", 3],
      ["min(4, 2, 9) + max(1, 5)", 7],
      ["abs(-3)", 3],
      ["ctz(8) + ctz(1) + ctz(0)", 3],
    ])("evaluates %s to %d", (source, expected) => {
      expect(evaluateArithmetic(source)).toBe(expected);
    });

    it("reads names from the scope", () => {
      expect(evaluateArithmetic("2^disks - 1", { disks: 4 })).toBe(15);
    });
  });

  describe("when the expression is not safe or not valid", () => {
    it.each([
      ["", "the expression is empty"],
      ["1 +", "the expression ends too early"],
      ["(1 + 2", 'expected ")"'],
      ["1 / 0", "division by zero"],
      ["2 ^ -1", "negative exponents are not whole numbers"],
      ["2 ^ 80", "result 1.2089258196146292e+24 is not a safe whole number"],
      ["x + 1", 'unknown name "x"'],
      ["process.exit(1)", 'unexpected "."'],
      ["eval(1)", 'unknown function "eval" (known: min, max, abs, ctz)'],
      ["abs(1, 2)", "abs() takes 1 argument"],
      ["1; 2", 'unexpected ";"'],
    ])("refuses %j: %s", (source, message) => {
      expect(() => evaluateArithmetic(source)).toThrow(new ArithError(message));
    });
  });
});
