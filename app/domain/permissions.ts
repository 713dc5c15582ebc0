import type { StaffRole } from "./roles";

// What each role may do. Every staff action names one of these and the
// server checks it (app/auth/guard.server.ts); pages only hide what the
// server would refuse anyway.
export const PERMISSIONS = {
  "view-dashboard": ["reception", "clinician", "manager"],
  "view-patient": ["reception", "clinician", "manager"],
  "work-queue": ["reception", "clinician", "manager"],
  "decide-at-risk-request": ["clinician"],
  "review-at-risk-list": ["clinician"],
  "print-letters": ["reception", "manager"],
  "import-patients": ["manager"],
  "run-campaigns": ["manager"],
  "view-reports": ["clinician", "manager"],
  "export-remediation": ["clinician", "manager"],
  "manage-staff": ["manager"],
  "view-audit": ["manager"],
  "view-development-mail": ["manager"],
} as const satisfies Record<string, readonly StaffRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: StaffRole, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly StaffRole[]).includes(role);
}
