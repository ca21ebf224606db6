// Starts a loopback GitHub for a test, with the contract wired in: every request and response is
// checked against GitHub's OpenAPI description (src/sim/contract.ts), every GraphQL document
// against GitHub's GraphQL schema (src/sim/contract-graphql.ts) and every emitted webhook
// payload against the published webhook schemas (src/sim/webhook-contract.ts). `stop()` throws,
// failing the test, when anything broke the contract, so every test proves the sim's fidelity.
import { expect } from "vitest";
import {
  ContractError,
  type ContractValidator,
  type ContractViolation,
  createContractValidator,
  loadGithubDescription,
} from "../../src/sim/contract.ts";
import { checkGraphqlExchange } from "../../src/sim/contract-graphql.ts";
import type { SchemaFinding } from "../../src/sim/contract-schema.ts";
import { type Sim, type SimOptions, startSim } from "../../src/sim/index.ts";
import { validateWebhookPayload, webhookDefinition } from "../../src/sim/webhook-contract.ts";
import { eventEnvelope, SIM_INSTALLATION } from "../../src/sim/webhooks.ts";

/** A sim whose contract violations a test can read, and take back when it breaks them on purpose. */
export interface TestSim extends Sim {
  readonly contract: {
    /** Everything that broke the contract so far: exchanges, emitted and delivered events. */
    violations(): readonly ContractViolation[];
    /**
     * Removes and returns the violations so far, for a test that sends GitHub something it
     * rejects (a body off the schema, an unknown endpoint) to see how the sim answers.
     */
    drain(): ContractViolation[];
  };
}

/** Fields `emitEvent` adds to every payload; a fault there is reported once, not per event. */
const ENVELOPE = ["repository", "sender", "installation"];

/**
 * Starts a sim for a test with the REST and webhook contracts checked on every exchange and
 * event. Each violation records the running test's name; `stop()` throws a `ContractError`
 * listing them (method, template, status, JSON pointer, expected against actual).
 */
export async function startTestSim(options: SimOptions = {}): Promise<TestSim> {
  const rest = createContractValidator({ spec: loadGithubDescription(), mode: "collect" });
  let found: ContractViolation[] = [];
  const seen = new Set<string>();
  const note = (violations: readonly ContractViolation[]): void => {
    const test = expect.getState().currentTestName;
    for (const v of violations) found.push(test ? { ...v, test } : v);
  };
  const own = options.validator;
  const validator: ContractValidator = {
    check(exchange) {
      const before = rest.violations().length;
      rest.check(exchange);
      note(rest.violations().slice(before));
      own?.check(exchange);
    },
    unknownOperation(method, path) {
      const before = rest.violations().length;
      rest.unknownOperation(method, path);
      note(rest.violations().slice(before));
      own?.unknownOperation(method, path);
    },
    graphql(exchange) {
      // Every GraphQL document is checked against GitHub's own schema, not the sim's subset.
      note(checkGraphqlExchange(exchange));
      own?.graphql?.(exchange);
    },
  };
  const sim = await startSim({ ...options, validator });

  const checkEvent = (
    event: string,
    payload: Record<string, unknown>,
    stage: "emitted" | "delivered",
  ): void => {
    const definition = webhookDefinition(event, payload);
    const fresh = validateWebhookPayload(event, payload).filter((finding) => {
      // The envelope is the same for every event: report each of its faults once.
      const scope = isEnvelope(finding) ? "envelope" : definition;
      const key = `${scope} ${finding.pointer} ${finding.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    note(fresh.map((finding) => webhookViolation(event, payload, stage, finding)));
  };

  // Check each event where it is raised (every test sees it, hooks or not), completed exactly as
  // delivery completes it; deliveries are checked again as sent on stop() (pings have no emit).
  const emit = sim.context.emit.bind(sim.context);
  (sim.context as { emit: Sim["context"]["emit"] }).emit = (repo, event, payload, emitOptions) => {
    const complete: Record<string, unknown> = {
      ...payload,
      ...eventEnvelope(sim.context, repo, emitOptions?.principal),
      installation: { ...SIM_INSTALLATION },
    };
    checkEvent(event, complete, "emitted");
    emit(repo, event, payload, emitOptions);
  };

  const stop = sim.stop.bind(sim);
  return Object.assign(sim, {
    contract: {
      violations: () => found,
      drain() {
        const out = found;
        found = [];
        seen.clear();
        rest.drain();
        return out;
      },
    },
    async stop() {
      await stop();
      for (const delivery of sim.state.deliveries) {
        if (delivery.redelivery) continue;
        const payload = JSON.parse(delivery.payload) as Record<string, unknown>;
        checkEvent(delivery.event, payload, "delivered");
      }
      if (found.length > 0) throw new ContractError(found);
    },
  });
}

function webhookViolation(
  event: string,
  payload: Record<string, unknown>,
  stage: "emitted" | "delivered",
  finding: SchemaFinding,
): ContractViolation {
  const action = typeof payload.action === "string" ? `.${payload.action}` : "";
  return {
    kind: "webhook",
    exchange: `webhook ${event}${action} (${stage})`,
    at: finding.pointer ? `payload ${finding.pointer}` : "payload",
    message: finding.message,
    ...(finding.expected !== undefined ? { expected: finding.expected } : {}),
    ...(finding.actual !== undefined ? { actual: finding.actual } : {}),
  };
}

const isEnvelope = (finding: SchemaFinding): boolean =>
  ENVELOPE.some((key) => finding.pointer === `/${key}` || finding.pointer.startsWith(`/${key}/`));
