// Gates decided from events (planGates, pure): which gate an event opens, leaves shut with a
// note, or escalates, by each gate type's way of naming what it waits for.
import { describe, expect, it } from "vitest";
import { beadFromIssue, renderBeadBody } from "../../src/model/bead.ts";
import { type GateEvent, gatesOf, parseDuration, planGates } from "../../src/town/gates.ts";
import { issuePayload } from "../github/payloads.ts";

const POURED = "2026-03-01T10:00:00Z";

function gate(number: number, spec: Record<string, string>, others: Record<string, unknown> = {}) {
  return beadFromIssue(
    issuePayload({
      number,
      labels: ["type/gate"],
      created_at: POURED,
      body: renderBeadBody("Holds a step.", {
        molecule: 1,
        others: { gate: spec, gateFor: `step-${number}`, ...others },
      }),
    }) as never,
  );
}

const run = (patch: Partial<Extract<GateEvent, { kind: "run" }>> = {}): GateEvent => ({
  kind: "run",
  runId: 900,
  workflowPath: ".github/workflows/release.yml@refs/heads/main",
  workflowName: "Release",
  conclusion: "success",
  createdAt: "2026-03-01T11:00:00Z",
  url: "https://github.com/acme/app/actions/runs/900",
  ...patch,
});

const decide = (beads: ReturnType<typeof gate>[], event: GateEvent, now = "2026-03-01T12:00:00Z") =>
  planGates(gatesOf(beads), event, new Date(now)).map((d) => [d.gate.bead.number, d.action]);

describe("parseDuration", () => {
  it.each([
    ["30s", 30_000],
    ["15m", 900_000],
    ["2h", 7_200_000],
    ["1d", 86_400_000],
    ["1h30m", 5_400_000],
  ])("reads %s", (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(["", "soon", "5", "-1m", "1y"])("refuses %j", (text) => expect(parseDuration(text)).toBeNull());
});

describe("gh:run gates", () => {
  it("opens on a successful run of the named workflow file, name or run id", () => {
    const beads = [
      gate(2, { type: "gh:run", id: "release.yml" }),
      gate(3, { type: "gh:run", id: "release" }),
      gate(4, { type: "gh:run", id: "900" }),
      gate(5, { type: "gh:run", id: "deploy.yml" }),
      gate(6, { type: "gh:run" }),
    ];
    expect(decide(beads, run())).toEqual([
      [2, "open"],
      [3, "open"],
      [4, "open"],
    ]);
  });

  it("counts only runs that started after the gate was poured, unless named by id", () => {
    const beads = [gate(2, { type: "gh:run", id: "release.yml" }), gate(4, { type: "gh:run", id: "900" })];
    expect(decide(beads, run({ createdAt: "2026-03-01T09:00:00Z" }))).toEqual([[4, "open"]]);
  });

  it("stays shut with a note when the run fails", () => {
    expect(decide([gate(2, { type: "gh:run", id: "release.yml" })], run({ conclusion: "failure" }))).toEqual([
      [2, "note"],
    ]);
  });
});

describe("gh:pr gates", () => {
  const pull = (merged: boolean): GateEvent => ({
    kind: "pull",
    number: 42,
    headRef: "release/1.2",
    merged,
    url: "https://github.com/acme/app/pull/42",
  });

  it("opens when the pull request, by number or head branch, is merged", () => {
    const beads = [
      gate(2, { type: "gh:pr", id: "#42" }),
      gate(3, { type: "gh:pr", id: "release/1.2" }),
      gate(4, { type: "gh:pr", id: "41" }),
    ];
    expect(decide(beads, pull(true))).toEqual([
      [2, "open"],
      [3, "open"],
    ]);
  });

  it("stays shut with a note when it is closed unmerged", () => {
    expect(decide([gate(2, { type: "gh:pr", id: "42" })], pull(false))).toEqual([[2, "note"]]);
  });
});

describe("bead gates", () => {
  it("open when the named bead is closed as completed", () => {
    const beads = [gate(2, { type: "bead", id: "#7" }), gate(3, { type: "bead", id: "8" })];
    expect(decide(beads, { kind: "bead", number: 7, reason: "completed" })).toEqual([[2, "open"]]);
    expect(decide(beads, { kind: "bead", number: 7, reason: "not_planned" })).toEqual([[2, "note"]]);
  });
});

describe("the patrol's tick", () => {
  it("opens timer gates whose time has come, and escalates others past their timeout once", () => {
    const beads = [
      gate(2, { type: "timer", timeout: "1h" }),
      gate(3, { type: "timer", timeout: "3h" }),
      gate(4, { type: "gh:run", id: "release.yml", timeout: "30m" }),
      gate(
        5,
        { type: "gh:run", id: "release.yml", timeout: "30m" },
        { gateExpiredAt: "2026-03-01T11:00:00Z" },
      ),
      gate(6, { type: "human" }),
    ];
    expect(decide(beads, { kind: "tick" })).toEqual([
      [2, "open"],
      [4, "expire"],
    ]);
  });
});
