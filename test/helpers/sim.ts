// Starts a loopback GitHub for a test. Every exchange is checked against GitHub's OpenAPI
// description (once the contract validator is wired in), so tests prove the sim's fidelity too.
import { type Sim, type SimOptions, startSim } from "../../src/sim/index.ts";

export async function startTestSim(options: SimOptions = {}): Promise<Sim> {
  return startSim(options);
}
