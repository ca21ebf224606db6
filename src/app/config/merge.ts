// How config files combine when one extends another (`_extends`, or the org `.github` fallback):
// mappings merge key by key, recursively; anything else, lists included, is replaced by the file
// that extends. Probot's `context.config` concatenates lists instead; we replace them so a repo
// can shorten an inherited list (its polecat names, its required checks), not only grow it.

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** `override` laid over `base`; neither is changed. */
export function mergeConfigValues(
  base: Record<string, unknown>,
  override: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const under = out[key];
    out[key] = isMapping(under) && isMapping(value) ? mergeConfigValues(under, value) : value;
  }
  return out;
}
