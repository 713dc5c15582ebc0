import { describe, expect, it } from "vitest";
import { ACTORS, STAFF_ROLES, isStaffRole } from "../../../app/domain/roles";

describe("roles", () => {
  it("has reception, clinician and manager as staff roles", () => {
    expect(STAFF_ROLES).toEqual(["reception", "clinician", "manager"]);
  });

  it("counts the portal itself as an actor but not as staff", () => {
    expect(ACTORS).toEqual(["reception", "clinician", "manager", "system"]);
    expect(isStaffRole("system")).toBe(false);
  });

  it.each(STAFF_ROLES)("recognises %s as staff", (role) => {
    expect(isStaffRole(role)).toBe(true);
  });

  it.each(["", "admin", "Clinician", "patient"])("does not recognise %j as staff", (role) => {
    expect(isStaffRole(role)).toBe(false);
  });
});
