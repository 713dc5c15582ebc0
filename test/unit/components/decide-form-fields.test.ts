import { describe, expect, it } from "vitest";
import { decisionDraftFrom, decisionFieldErrors, DECIDE_FIELD_ORDER, fieldIdOf } from "../../../app/components/request-page/decide-form-fields";

// The request page's decide form read back into a decision draft: only what belongs to the outcome
// chosen, and every problem placed at the field the page shows for it.

const counselling = {
  counsellingFor: "granted",
  counselledOnDay: "2",
  counselledOnMonth: "12",
  counselledOnYear: "2026",
  counsellingMethod: "phone",
  counsellingHeldBy: " Dr Cai Clinician ",
  counsellingNote: "Talked it through.",
};

describe("decisionDraftFrom", () => {
  it("reads the counselling record under the outcome it was shown for", () => {
    const { draft, counsellingDateUnreadable } = decisionDraftFrom("granted", { ...counselling, identityMethod: "known-to-staff", notes: "" });
    expect(draft).toEqual({
      outcome: "granted",
      identityMethod: "known-to-staff",
      counselling: { on: "2026-12-02", method: "phone", heldBy: "Dr Cai Clinician", note: "Talked it through." },
      reason: null,
      otherAccessLevel: null,
      notes: null,
    });
    expect(counsellingDateUnreadable).toBe(false);
  });

  it("has no counselling record when all of it is blank", () => {
    const blank = { counsellingFor: "granted", counselledOnDay: "", counselledOnMonth: " ", counselledOnYear: "", counsellingHeldBy: "  ", counsellingNote: "" };
    expect(decisionDraftFrom("granted", blank).draft.counselling).toBeNull();
  });

  it("keeps a partly filled record for the domain to name what is missing", () => {
    const { draft } = decisionDraftFrom("granted", { counsellingFor: "granted", counsellingHeldBy: "Dr Cai Clinician" });
    expect(draft.counselling).toEqual({ on: "", method: "", heldBy: "Dr Cai Clinician", note: "" });
  });

  it("says when the date typed is not a real one", () => {
    const { draft, counsellingDateUnreadable } = decisionDraftFrom("granted", { ...counselling, counselledOnDay: "31", counselledOnMonth: "2" });
    expect(draft.counselling?.on).toBe("");
    expect(counsellingDateUnreadable).toBe(true);
  });

  it("does not read what another outcome's part of the form holds (all of it is shown without JavaScript)", () => {
    const values = {
      ...counselling,
      reason: "A reason typed under withheld",
      "accessLevel-withheld": "none",
      "accessLevelReason-withheld": "Typed under withheld",
    };
    const { draft } = decisionDraftFrom("rejected-unverified", values);
    expect(draft.counselling).toBeNull();
    expect(draft.reason).toBeNull();
    expect(draft.otherAccessLevel).toBeNull();
  });

  it("reads the reason and a different level under withheld; the usual level is no different level", () => {
    const values = { reason: " Not now. ", "accessLevel-withheld": "none", "accessLevelReason-withheld": "Asked for nothing online." };
    expect(decisionDraftFrom("withheld", values).draft).toMatchObject({ reason: "Not now.", otherAccessLevel: { level: "none", reason: "Asked for nothing online." } });
    expect(decisionDraftFrom("withheld", { ...values, "accessLevel-withheld": "usual" }).draft.otherAccessLevel).toBeNull();
    expect(decisionDraftFrom("withheld", { ...values, "accessLevel-withheld": "" }).draft.otherAccessLevel).toBeNull();
  });
});

describe("decisionFieldErrors", () => {
  it("puts each problem at the field the page shows for the outcome chosen, every message kept", () => {
    const errors = decisionFieldErrors(
      [
        { field: "outcome", message: "One." },
        { field: "outcome", message: "Two." },
        { field: "accessLevelReason", message: "Why?" },
        { field: "counselledOn", message: "Enter the date." },
      ],
      "withheld",
      null,
    );
    expect(errors).toEqual({ outcome: ["One.", "Two."], "accessLevelReason-withheld": ["Why?"], counselledOn: ["Enter the date."] });
  });

  it("says a date that is not a real one is so, rather than missing", () => {
    expect(decisionFieldErrors([{ field: "counselledOn", message: "Enter the date." }], "granted", "Must be a real date")).toEqual({ counselledOn: ["Must be a real date"] });
  });

  it("orders every field the summary may link to", () => {
    for (const field of ["outcome", "identityMethod", "counselledOn", "counsellingMethod", "counsellingHeldBy", "counsellingNote", "reason", "accessLevel", "accessLevelReason"] as const) {
      expect(DECIDE_FIELD_ORDER).toContain(fieldIdOf(field, "withheld"));
    }
  });
});
