import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redactSecrets } from "../../src/model/redact.ts";
import { createLineRedactor, splitLines } from "../../src/runner/redact-lines.ts";

const SECRET = "plain-secret-value-42";

describe("createLineRedactor", () => {
  describe("when a secret is split across chunks", () => {
    it("lets no part of it through, and lets each line through once it is whole", () => {
      const redactor = createLineRedactor([SECRET]);
      expect(redactor.push('{"text":"the key is plain-sec')).toBe("");
      expect(redactor.push('ret-value-42"}\n{"next":')).toBe('{"text":"the key is [REDACTED]"}\n');
      expect(redactor.end()).toBe('{"next":');
    });
  });

  it("gives the same text as redacting the whole, for any chunking", () => {
    const text = `one\n${SECRET} two\nthree ${SECRET}\nghp_${"a".repeat(36)} four\nlast ${SECRET}`;
    fc.assert(
      fc.property(fc.array(fc.nat({ max: text.length }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const redactor = createLineRedactor([SECRET]);
        let out = "";
        let from = 0;
        for (const point of [...points, text.length]) {
          const emitted = redactor.push(Buffer.from(text.slice(from, point)));
          expect(emitted).not.toContain("plain-sec");
          out += emitted;
          from = point;
        }
        out += redactor.end();
        expect(out).toBe(redactSecrets(text, [SECRET]));
      }),
    );
  });

  describe("when a line never ends", () => {
    it("lets the head through redacted and keeps a tail long enough for any secret", () => {
      const redactor = createLineRedactor([SECRET]);
      const head = redactor.push(`${"x".repeat(1024 * 1024)}${SECRET}${"y".repeat(5000)}`);
      expect(head.length).toBeGreaterThan(1024 * 1024);
      expect(head).toContain("[REDACTED]");
      expect(redactor.end()).toBe("y".repeat(4096));
    });
  });
});

describe("splitLines", () => {
  it("drops the newlines and the empty end", () => {
    expect(splitLines("a\r\nb\n")).toEqual(["a", "b"]);
    expect(splitLines("")).toEqual([]);
  });
});
