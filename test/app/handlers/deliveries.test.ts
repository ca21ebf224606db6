import { describe, expect, it } from "vitest";
import { DeliveryMemory } from "../../../src/app/deliveries.ts";
import { pickPolecatName } from "../../../src/town/sling.ts";

describe("DeliveryMemory", () => {
  describe("when a delivery id comes again", () => {
    it("reports it as a redelivery", () => {
      const memory = new DeliveryMemory(10);
      expect(memory.firstSeen("a")).toBe(true);
      expect(memory.firstSeen("a")).toBe(false);
    });
  });

  describe("when more ids arrive than it holds", () => {
    it("forgets the oldest and stays bounded", () => {
      const memory = new DeliveryMemory(3);
      for (const id of ["a", "b", "c", "d"]) memory.firstSeen(id);
      expect(memory.size).toBe(3);
      expect(memory.firstSeen("d")).toBe(false);
      expect(memory.firstSeen("a")).toBe(true);
    });
  });
});

describe("pickPolecatName", () => {
  const names = ["furiosa", "nux", "slit"];

  it("starts at an offset set by the bead, skipping names in use", () => {
    expect(pickPolecatName({ names, inUse: new Set(), bead: 1 })).toBe("nux");
    expect(pickPolecatName({ names, inUse: new Set(["nux"]), bead: 1 })).toBe("slit");
  });

  describe("when every name is in use", () => {
    it("names the polecat after the bead", () => {
      expect(pickPolecatName({ names, inUse: new Set(["furiosa", "nux", "slit"]), bead: 7 })).toBe(
        "polecat-7",
      );
    });
  });
});
