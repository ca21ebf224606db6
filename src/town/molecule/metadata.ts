// The metadata a molecule's issues carry beyond the bead fields (formula, vars, molecule, step):
// the pour key that makes pour idempotent, each step's needs (to name blockers without a request
// per step), and a gate's spec. They ride in the same `<!-- gastown {...} -->` block, as keys the
// bead model keeps under `others`; they are read leniently here, like every metadata field.
import { z } from "zod";
import type { BeadMetadata } from "../../model/bead.ts";

/** What a gate issue waits for (the cooked step's `gate`). */
export interface GateSpec {
  type: string;
  id?: string;
  timeout?: string;
  description?: string;
}

/** Molecule fields of an issue's metadata; each is absent when missing or damaged. */
export interface MoleculeFields {
  /** Root: identifies one pour of a formula with its vars (see pourKeyOf). */
  pourKey?: string;
  /** Root: the formula's version when poured. */
  formulaVersion?: number;
  /** Step: ids of the steps it needs. */
  needs?: string[];
  /** Gate: what it waits for. */
  gate?: GateSpec;
  /** Gate: the step it holds. */
  gateFor?: string;
  /** Wisp root: every step's needs, by step id, in checklist order. */
  dag?: Record<string, string[]>;
}

const gateSchema = z.object({
  type: z.string().min(1),
  id: z.string().optional(),
  timeout: z.string().optional(),
  description: z.string().optional(),
});

const fieldSchemas = {
  pourKey: z.string().min(1),
  formulaVersion: z.number().int().nonnegative(),
  needs: z.array(z.string().min(1)),
  gate: gateSchema,
  gateFor: z.string().min(1),
  dag: z.record(z.string(), z.array(z.string())),
} satisfies Record<keyof MoleculeFields, z.ZodType>;

const FIELD_NAMES = Object.keys(fieldSchemas) as (keyof MoleculeFields)[];

/** The molecule fields of a bead's metadata. A damaged field reads as absent. */
export function readMoleculeFields(metadata: BeadMetadata): MoleculeFields {
  const others = metadata.others ?? {};
  const out: Record<string, unknown> = {};
  for (const name of FIELD_NAMES) {
    if (!Object.hasOwn(others, name)) continue;
    const parsed = fieldSchemas[name].safeParse(others[name]);
    if (parsed.success) out[name] = parsed.data;
  }
  return out as MoleculeFields;
}

/** Metadata with molecule fields set (undefined ones left out), other keys kept. */
export function writeMoleculeFields(metadata: BeadMetadata, fields: MoleculeFields): BeadMetadata {
  const others: Record<string, unknown> = { ...metadata.others };
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) others[name] = value;
  return { ...metadata, others };
}
