// Repository permission levels, ordered, and the rule of DESIGN §5: only write, maintain or admin
// may command the town.

export const PERMISSION_LEVELS = ["none", "read", "triage", "write", "maintain", "admin"] as const;
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];

export function isPermissionLevel(value: string): value is PermissionLevel {
  return (PERMISSION_LEVELS as readonly string[]).includes(value);
}

/** True when `level` is `minimum` or above. */
export function hasPermission(level: PermissionLevel, minimum: PermissionLevel): boolean {
  return PERMISSION_LEVELS.indexOf(level) >= PERMISSION_LEVELS.indexOf(minimum);
}

/** Who may sling, mail and close on the town's behalf. */
export function canCommandTown(level: PermissionLevel): boolean {
  return hasPermission(level, "write");
}
