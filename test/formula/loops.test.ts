import { describe, expect, it } from "vitest";
import { cook, rejection, shape } from "./helpers.ts";

describe("loops", () => {
  describe("when a count loop has a two-step body", () => {
    const source = `formula = "l"
[[steps]]
id = "start"
title = "Start"

[[steps]]
id = "round"
needs = ["start"]
[steps.loop]
count = 3
var = "n"
[[steps.loop.body]]
id = "try"
title = "Try {n} of 3"
[[steps.loop.body]]
id = "check"
title = "Check try {n}"
needs = ["try"]

[[steps]]
id = "finish"
title = "Finish"
needs = ["round"]
`;

    it("unrolls the body per iteration, chains iterations and waits for the last", async () => {
      const proto = await cook(source);
      expect(shape(proto)).toEqual([
        "start",
        "round.iter1.try<-start",
        "round.iter1.check<-round.iter1.try",
        "round.iter2.try<-round.iter1.check",
        "round.iter2.check<-round.iter2.try",
        "round.iter3.try<-round.iter2.check",
        "round.iter3.check<-round.iter3.try",
        "finish<-round.iter3.check",
      ]);
    });

    it("substitutes the loop variable in the body's text", async () => {
      const proto = await cook(source);
      expect(proto.steps.filter((step) => step.id.endsWith(".try")).map((step) => step.title)).toEqual([
        "Try 1 of 3",
        "Try 2 of 3",
        "Try 3 of 3",
      ]);
    });
  });

  describe("when a range uses a var and arithmetic", () => {
    const source = `formula = "r"
[vars.levels]
type = "int"
default = "2"
[[steps]]
id = "stage"
[steps.loop]
range = "0..2^{levels}-1"
var = "k"
[[steps.loop.body]]
id = "run"
title = "Stage {k}, doubled {k * 2}, {{levels}} levels, {target} untouched"
`;

    it("takes the default in compile mode", async () => {
      const proto = await cook(source);
      expect(proto.steps.map((step) => step.id)).toEqual([
        "stage.iter1.run",
        "stage.iter2.run",
        "stage.iter3.run",
        "stage.iter4.run",
      ]);
      expect(proto.steps[3]?.title).toBe("Stage 3, doubled 6, {{levels}} levels, {target} untouched");
    });

    it("takes the given value in runtime mode", async () => {
      const proto = await cook(source, { vars: { levels: "3" } });
      expect(proto.steps).toHaveLength(8);
      expect(proto.steps[7]?.title).toBe("Stage 7, doubled 14, 3 levels, {target} untouched");
    });
  });

  describe("when loops nest", () => {
    it("binds both variables and prefixes the inner ids with the outer iteration", async () => {
      const proto = await cook(`formula = "n"
[[steps]]
id = "outer"
[steps.loop]
count = 2
var = "i"
[[steps.loop.body]]
id = "inner"
[steps.loop.body.loop]
range = "1..{i}"
var = "j"
[[steps.loop.body.loop.body]]
id = "cell"
title = "Cell {i}.{j} sum {i + j}"
`);
      expect(shape(proto)).toEqual([
        "outer.iter1.inner.iter1.cell",
        "outer.iter2.inner.iter1.cell<-outer.iter1.inner.iter1.cell",
        "outer.iter2.inner.iter2.cell<-outer.iter2.inner.iter1.cell",
      ]);
      expect(proto.steps[2]?.title).toBe("Cell 2.2 sum 4");
    });
  });

  describe("when a loop is an until loop", () => {
    it("unrolls once and labels the body for the runtime", async () => {
      const proto = await cook(`formula = "u"
[[steps]]
id = "fix"
[steps.loop]
until = "step.output.green == true"
max = 5
[[steps.loop.body]]
id = "attempt"
title = "Attempt a fix"
`);
      expect(proto.steps).toEqual([
        expect.objectContaining({
          id: "fix.iter1.attempt",
          labels: ["loop:until"],
          metadata: { loop: { id: "fix", until: "step.output.green == true", max: 5 } },
        }),
      ]);
    });
  });

  describe("when a loop would run too often", () => {
    it("refuses beyond the iteration limit", async () => {
      const error = await rejection(
        cook(
          `formula = "big"\n[[steps]]\nid = "x"\n[steps.loop]\ncount = "2^14"\n[[steps.loop.body]]\nid = "y"\ntitle = "Y"\n`,
        ),
      );
      expect(error.message).toBe('test.formula.toml:4:1: loop "x" would run 16384 times; the limit is 10000');
    });

    it("refuses an empty range", async () => {
      const error = await rejection(
        cook(
          `formula = "e"\n[[steps]]\nid = "x"\n[steps.loop]\nrange = "5..1"\n[[steps.loop.body]]\nid = "y"\ntitle = "Y"\n`,
        ),
      );
      expect(error.message).toBe('test.formula.toml:4:1: range of loop "x" is empty (5..1)');
    });
  });

  describe("when the towers of hanoi are cooked", () => {
    it.each([1, 2, 3, 4, 5, 6])(
      "produces %d disks' legal moves that end with the whole tower moved",
      async (disks) => {
        const proto = await cook(
          (await import("node:fs")).readFileSync("formulas/towers-of-hanoi.formula.toml", "utf8"),
          { vars: { disks: String(disks) } },
        );
        const moves = proto.steps.filter((step) => step.id.startsWith("move."));
        expect(moves).toHaveLength(2 ** disks - 1);
        const pegs: number[][] = [Array.from({ length: disks }, (_, i) => disks - i), [], []];
        for (const step of moves) {
          const match = /disk (\d+) from peg (\d) to peg (\d)/.exec(step.title);
          expect(match, step.title).not.toBeNull();
          const [disk, from, to] = [Number(match![1]), Number(match![2]) - 1, Number(match![3]) - 1];
          expect(pegs[from]!.at(-1)).toBe(disk);
          const top = pegs[to]!.at(-1);
          expect(top === undefined || top > disk).toBe(true);
          pegs[to]!.push(pegs[from]!.pop()!);
        }
        expect(pegs[0]).toEqual([]);
        expect(pegs.some((peg) => peg.length === disks)).toBe(true);
      },
    );
  });
});
