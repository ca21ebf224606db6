// Webhook deliveries (owned by the events work): signing, the delivery log, redelivery.
import type { EmitOptions, SimContext } from "./context.ts";
import type { SimRepo } from "./state.ts";

export function emitEvent(
  _sim: SimContext,
  _repo: SimRepo,
  _event: string,
  _payload: Record<string, unknown>,
  _options: EmitOptions = {},
): void {}
