export const STAFF_ROLES = ["reception", "clinician", "manager"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Who performs an action: a member of staff in a role, or the portal itself (imports, the worker). */
export const ACTORS = [...STAFF_ROLES, "system"] as const;
export type Actor = StaffRole | "system";

export function isStaffRole(actor: string): actor is StaffRole {
  return (STAFF_ROLES as readonly string[]).includes(actor);
}
