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
  /** Step: the issue type the formula gives it, when not a plain task (`epic`, `bug`, ...). */
  stepType?: string;
  /** Step: the formula step's own `metadata` table, copied as written (vars substituted). */
  stepMetadata?: Record<string, unknown>;
  /** Step: its `waits_for` (`all-children`, `any-children`, `children-of(<id>)`), for the runtime. */
  waitsFor?: string;
  /** Step: its `on_complete` fan-out (`for_each`, `bond`, `vars`, mode), for the runtime. */
  onComplete?: OnCompleteSpec;
}

/** A step's runtime fan-out as it rides in the step's metadata. */
export interface OnCompleteSpec {
  forEach: string;
  bond: string;
  vars: Record<string, string>;
  mode: "parallel" | "sequential";
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
  stepType: z.string().min(1),
  stepMetadata: z.record(z.string(), z.unknown()),
  waitsFor: z.string().min(1),
  onComplete: z.object({
    forEach: z.string(),
    bond: z.string(),
    vars: z.record(z.string(), z.string()),
    mode: z.enum(["parallel", "sequential"]),
  }),
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
