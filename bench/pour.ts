// Pour benchmark: a 50-step molecule (a chain with a fan-in every fourth step, as real workflows
// join review and test branches) poured onto the loopback GitHub, counting the requests the sim
// served. The floor is one search, then one create and one sub-issue link per issue and one
// request per dependency; pouring the same molecule again must cost reads only.
// `POUR_STEPS=80 npm run bench -- pour` to change the size (GitHub caps sub-issues at 100).
import { stringify } from "smol-toml";
import { cookFormulaSync, parseFormula } from "../src/formula/index.ts";
import { createOctokit } from "../src/github/octokit.ts";
import { startSim } from "../src/sim/index.ts";
import { pourMolecule } from "../src/town/molecule/index.ts";

const STEPS = Number(process.env.POUR_STEPS ?? 50);

/** Step i needs step i-1; every fourth step also needs the step three back (a join). */
function formulaToml(size: number): string {
  const steps = Array.from({ length: size }, (_, i) => {
    const needs = i === 0 ? [] : [`step${i - 1}`];
    if (i >= 4 && i % 4 === 0) needs.push(`step${i - 3}`);
    return {
      id: `step${i}`,
      title: `Step ${i} of {{feature}}`,
      description: `Do part ${i} of {{feature}}, then close the step.`,
      acceptance: `Part ${i} works and is tested.`,
      needs,
    };
  });
  return stringify({
    formula: "bench-pour",
    version: 1,
    description: "A long workflow for the pour benchmark.",
    vars: { feature: { required: true } },
    steps,
  });
}

const proto = cookFormulaSync({
  formula: parseFormula({ source: formulaToml(STEPS), path: "bench-pour.formula.toml" }),
  vars: { feature: "bulk export" },
});

const sim = await startSim();
try {
  await sim.createRepo({ owner: "acme", name: "bench", files: { "README.md": "# bench\n" } });
  const town = {
    octokit: createOctokit({
      baseUrl: sim.url,
      auth: sim.token({ kind: "installation" }),
      retry: false,
      throttle: false,
    }),
    repo: { owner: "acme", repo: "bench" },
  };

  const before = sim.state.totalRequests();
  const start = performance.now();
  const result = await pourMolecule(town, { proto });
  const ms = performance.now() - start;
  const requests = sim.state.totalRequests() - before;

  const beforeAgain = sim.state.totalRequests();
  const again = await pourMolecule(town, { proto });
  const repourRequests = sim.state.totalRequests() - beforeAgain;
  if (again.root.number !== result.root.number || again.written.steps !== 0) {
    throw new Error("pouring the same molecule again created issues");
  }

  const issues = 1 + result.written.steps + result.written.gates;
  const dependencies = result.written.dependencies;
  const floor = 1 + issues + (issues - 1) + dependencies;
  const perStep = requests / proto.steps.length;
  console.log(`steps              ${proto.steps.length}`);
  console.log(`issues             ${issues} (root + steps + gates)`);
  console.log(`dependencies       ${dependencies}`);
  console.log(
    `requests           ${requests} (floor ${floor}: 1 search + ${issues} creates + ${issues - 1} links + ${dependencies} edges)`,
  );
  console.log(`requests_per_step  ${perStep.toFixed(2)}`);
  console.log(`re-pour requests   ${repourRequests} (reads only)`);
  console.log(`ms                 ${ms.toFixed(0)}`);
  console.log(
    JSON.stringify({
      bench: "pour",
      steps: proto.steps.length,
      issues,
      dependencies,
      requests,
      floor,
      requests_per_step: Number(perStep.toFixed(2)),
      repour_requests: repourRequests,
      ms: Math.round(ms),
    }),
  );
} finally {
  await sim.stop();
}
