import { describe, expect, it } from "vitest";
import { can, PERMISSIONS, type Permission } from "../../../app/domain/permissions";

describe("permissions", () => {
  it.each<[Permission, string[]]>([
    ["view-dashboard", ["reception", "clinician", "manager"]],
    ["work-queue", ["reception", "clinician", "manager"]],
    ["decide-at-risk-request", ["clinician"]],
    ["review-at-risk-list", ["clinician"]],
    ["print-letters", ["reception", "manager"]],
    ["import-patients", ["manager"]],
    ["run-campaigns", ["manager"]],
    ["manage-staff", ["manager"]],
    ["view-audit", ["manager"]],
  ])("%s is allowed to exactly %j", (permission, roles) => {
    for (const role of ["reception", "clinician", "manager"] as const) {
      expect(can(role, permission), `${role} ${permission}`).toBe(roles.includes(role));
    }
  });

  it("gives no permission to nobody", () => {
    for (const roles of Object.values(PERMISSIONS)) expect(roles.length).toBeGreaterThan(0);
  });
});
