// exactOptionalPropertyTypes forbids `{ title: undefined }` where `title?: string` is meant; this
// drops the undefined keys so model objects can be built in one literal.

/** Returns the object without its undefined-valued keys, typed as the model type. */
export function compact<T extends object>(value: { [K in keyof T]: T[K] | undefined }): T {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = item;
  return out as T;
}
