import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type BeadMetadata, mergeBeadMetadata, parseBeadBody, renderBeadBody } from "../../src/model/bead.ts";
import { extractBlock, renderBlock } from "../../src/model/metadata.ts";

describe("the metadata block", () => {
  describe("when a body has a well-formed block at the end", () => {
    const body =
      'Fix the login form.\n\nSteps below.\n\n<!-- gastown {"v":1,"polecat":"rust","attempt":2} -->';

    it("returns the text without the block and the decoded fields", () => {
      const parsed = parseBeadBody(body);
      expect(parsed.text).toBe("Fix the login form.\n\nSteps below.");
      expect(parsed.metadata).toEqual({ polecat: "rust", attempt: 2 });
      expect(parsed.problems).toEqual([]);
      expect(parsed.writable).toBe(true);
    });
  });

  describe("when a body has no block", () => {
    it("returns the whole body as text and empty metadata", () => {
      expect(parseBeadBody("Just words.\n")).toEqual({
        text: "Just words.",
        metadata: {},
        problems: [],
        writable: true,
      });
      expect(parseBeadBody(null).text).toBe("");
    });
  });

  describe("when a human wrote text after the block", () => {
    it("keeps the text on both sides", () => {
      const parsed = parseBeadBody('Before.\n\n<!-- gastown {"v":1,"run":7} -->\n\nAfter, added by hand.');
      expect(parsed.text).toBe("Before.\n\nAfter, added by hand.");
      expect(parsed.metadata.run).toBe(7);
    });
  });

  describe("when the block's JSON is damaged", () => {
    it("reports invalid-json, ignores the fields and keeps all other text", () => {
      const parsed = parseBeadBody('Keep me.\n\n<!-- gastown {"v":1,"polecat":"ru -->\n\nAnd me.');
      expect(parsed.text).toBe("Keep me.\n\nAnd me.");
      expect(parsed.metadata).toEqual({});
      expect(parsed.problems.map((p) => p.kind)).toEqual(["invalid-json"]);
      expect(parsed.problems[0]?.raw).toContain('"polecat":"ru');
    });
  });

  describe("when the block is never closed", () => {
    it("reports it and leaves the text exactly as written", () => {
      const parsed = parseBeadBody('Intro.\n<!-- gastown {"v":1}\nThe rest of the story.');
      expect(parsed.text).toBe('Intro.\n<!-- gastown {"v":1}\nThe rest of the story.');
      expect(parsed.problems.map((p) => p.kind)).toEqual(["unterminated"]);
    });

    it("still reads a complete block written after it", () => {
      const parsed = parseBeadBody(renderBeadBody("Intro.\n<!-- gastown {", { polecat: "nux" }));
      expect(parsed.metadata).toEqual({ polecat: "nux" });
      expect(parsed.text).toBe("Intro.\n<!-- gastown {");
      expect(parsed.problems.map((p) => p.kind)).toEqual(["unterminated"]);
    });
  });

  describe("when a field has the wrong type", () => {
    it("drops that field only and names it", () => {
      const parsed = parseBeadBody('<!-- gastown {"v":1,"attempt":"three","polecat":"rust"} -->');
      expect(parsed.metadata).toEqual({ polecat: "rust" });
      expect(parsed.problems).toMatchObject([{ kind: "invalid-field", field: "attempt" }]);
    });
  });

  describe("when the block is from a newer version", () => {
    it("reports unknown-version and marks the body read-only", () => {
      const parsed = parseBeadBody('Text.\n\n<!-- gastown {"v":2,"polecat":"rust"} -->');
      expect(parsed.problems.map((p) => p.kind)).toEqual(["unknown-version"]);
      expect(parsed.writable).toBe(false);
      expect(parsed.metadata).toEqual({});
      expect(parsed.text).toBe("Text.");
    });
  });

  describe("when the version is missing or nonsense", () => {
    it("reads a missing version as 1 and reports it", () => {
      const parsed = parseBeadBody('<!-- gastown {"polecat":"rust"} -->');
      expect(parsed.metadata).toEqual({ polecat: "rust" });
      expect(parsed.problems.map((p) => p.kind)).toEqual(["missing-version"]);
    });

    it("ignores the fields of a non-integer version", () => {
      const parsed = parseBeadBody('<!-- gastown {"v":"one","polecat":"rust"} -->');
      expect(parsed.metadata).toEqual({});
      expect(parsed.problems.map((p) => p.kind)).toEqual(["invalid-version"]);
    });

    it("reports a block that is not an object", () => {
      expect(parseBeadBody("<!-- gastown [1,2] -->").problems.map((p) => p.kind)).toEqual(["not-an-object"]);
    });
  });

  describe("when there are two blocks", () => {
    it("uses the last and reports the duplicate", () => {
      const parsed = parseBeadBody(
        '<!-- gastown {"v":1,"run":1} -->\nMiddle.\n<!-- gastown {"v":1,"run":2} -->',
      );
      expect(parsed.metadata.run).toBe(2);
      expect(parsed.text).toBe("Middle.");
      expect(parsed.problems.map((p) => p.kind)).toEqual(["duplicate-block"]);
    });
  });

  describe("when unknown keys are present", () => {
    it("carries them through a rewrite", () => {
      const parsed = parseBeadBody('<!-- gastown {"v":1,"future":{"x":1},"polecat":"rust"} -->');
      expect(parsed.metadata.others).toEqual({ future: { x: 1 } });
      const again = parseBeadBody(renderBeadBody("", mergeBeadMetadata(parsed.metadata, { attempt: 1 })));
      expect(again.metadata).toEqual({ polecat: "rust", attempt: 1, others: { future: { x: 1 } } });
    });
  });

  describe("when a human removed the spaces around the JSON", () => {
    it("still reads the block", () => {
      expect(parseBeadBody('Text<!--gastown{"v":1,"run":3}-->').metadata).toEqual({ run: 3 });
    });
  });

  describe("mail headers in a bead body", () => {
    it("are not mistaken for the metadata block", () => {
      const parsed = parseBeadBody('<!-- gastown-mail {"v":1} -->\nHello');
      expect(parsed.text).toBe('<!-- gastown-mail {"v":1} -->\nHello');
      expect(parsed.problems).toEqual([]);
    });
  });

  describe("rendering", () => {
    it("puts the block last, after a blank line, with v first", () => {
      expect(renderBeadBody("Body text.\n\n", { polecat: "rust", attempt: 1 })).toBe(
        'Body text.\n\n<!-- gastown {"v":1,"polecat":"rust","attempt":1} -->',
      );
    });

    it("writes no block for empty metadata", () => {
      expect(renderBeadBody("Only text.", {})).toBe("Only text.");
    });

    it("escapes a value that would end the comment early", () => {
      const body = renderBeadBody("x", { closeReason: "done --> <!-- gastown" });
      expect(body.match(/-->/g)).toHaveLength(1);
      expect(parseBeadBody(body).metadata.closeReason).toBe("done --> <!-- gastown");
    });
  });

  describe("merging", () => {
    it("sets, removes with null, and keeps absent fields", () => {
      const base: BeadMetadata = { polecat: "rust", run: 5, attempt: 1 };
      expect(mergeBeadMetadata(base, { run: null, attempt: 2 })).toEqual({ polecat: "rust", attempt: 2 });
    });
  });
});

// Text people write never contains our opener; everything else is fair game, unicode included.
const humanText = fc.string({ unit: "grapheme", maxLength: 200 }).filter((s) => !s.includes("<!--"));
const metadataArb: fc.Arbitrary<BeadMetadata> = fc.record(
  {
    polecat: fc.string({ minLength: 1, maxLength: 20 }),
    run: fc.integer({ min: 1, max: 2 ** 40 }),
    attempt: fc.nat({ max: 10 }),
    formula: fc.string({ minLength: 1, maxLength: 30 }),
    vars: fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 20 }), { maxKeys: 3 }),
    molecule: fc.integer({ min: 1, max: 100000 }),
    step: fc.string({ minLength: 1, maxLength: 12 }),
    merge: fc.constantFrom("batch" as const, "native" as const, "direct" as const),
    closeReason: fc.string({ maxLength: 60 }),
  },
  { requiredKeys: [] },
);

describe("metadata properties", () => {
  it("round-trips any text and metadata (text up to trailing whitespace)", () => {
    fc.assert(
      fc.property(humanText, metadataArb, (text, metadata) => {
        const parsed = parseBeadBody(renderBeadBody(text, metadata));
        expect(parsed.problems).toEqual([]);
        expect(parsed.metadata).toEqual(metadata);
        expect(parsed.text).toBe(text.trimEnd());
      }),
    );
  });

  it("never throws and never loses the text around a damaged block", () => {
    fc.assert(
      fc.property(
        humanText,
        fc.string({ maxLength: 80 }).filter((s) => !s.includes("-->")),
        humanText,
        (before, junk, after) => {
          const body = `${before}\n<!-- gastown ${junk} -->\n${after}`;
          const parsed = extractBlock(body);
          if (before.trim() !== "") expect(parsed.text).toContain(before.trim());
          if (after.trim() !== "") expect(parsed.text).toContain(after.trim());
          expect(parsed.text).not.toContain("<!-- gastown");
        },
      ),
    );
  });

  it("never throws on arbitrary bodies and keeps every character outside complete blocks", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (body) => {
        const parsed = extractBlock(body);
        // With no complete block nothing is removed but trailing whitespace.
        if (!/<!--\s*gastown(?=[\s{]|-->)[\s\S]*?-->/.test(body)) expect(parsed.text).toBe(body.trimEnd());
      }),
    );
  });

  it("renders generic data that extracts back to the same data", () => {
    fc.assert(
      fc.property(
        humanText,
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== "v" && k !== "__proto__"),
          fc.jsonValue(),
          { minKeys: 1, maxKeys: 4 },
        ),
        (text, data) => {
          const extracted = extractBlock(renderBlock(text, data));
          expect(extracted.data).toEqual(JSON.parse(JSON.stringify(data)));
        },
      ),
    );
  });
});
