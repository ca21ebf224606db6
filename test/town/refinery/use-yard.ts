// A fresh loopback GitHub and refinery yard for each test of a `describe` (stopped after it).
import { afterEach, beforeEach } from "vitest";
import { startYard, type Yard, type YardOptions } from "../../helpers/refinery-yard.ts";
import { startTestSim, type TestSim } from "../../helpers/sim.ts";

export interface YardFixture {
  readonly sim: TestSim;
  readonly yard: Yard;
}

export function useYard(options: YardOptions = {}): YardFixture {
  let sim: TestSim | undefined;
  let yard: Yard | undefined;
  beforeEach(async () => {
    sim = await startTestSim();
    yard = await startYard(sim, options);
  });
  afterEach(async () => {
    await yard?.stop();
    await sim?.stop();
  });
  return {
    get sim() {
      if (!sim) throw new Error("the yard starts in beforeEach");
      return sim;
    },
    get yard() {
      if (!yard) throw new Error("the yard starts in beforeEach");
      return yard;
    },
  };
}
