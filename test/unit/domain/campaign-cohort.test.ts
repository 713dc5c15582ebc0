import { describe, expect, it } from "vitest";
import type { AccessState } from "../../../app/domain/access-state";
import { campaignCohort, exclusionReason, type CohortCandidate } from "../../../app/domain/campaign-cohort";

const AS_OF = "2026-11-21";

const patient = (overrides: Partial<CohortCandidate> = {}): CohortCandidate => ({
  id: "p",
  dateOfBirth: "1970-01-01",
  deceased: false,
  registered: true,
  state: "default" as AccessState,
  email: "someone@example.org",
  contactIsPrivate: false,
  ...overrides,
});

describe("who a campaign leaves out, and why", () => {
  it.each([
    ["deregistered", patient({ registered: false }), "deregistered", "deregistered"],
    ["deceased", patient({ deceased: true }), "deceased", "deceased"],
    ["15 years old", patient({ dateOfBirth: "2010-11-22" }), "under-16", "under-16"],
    ["declined (103)", patient({ state: "declined" }), "declined", "declined"],
    ["104 and 106 in conflict", patient({ state: "conflict" }), "conflict", "conflict"],
    ["an active 104", patient({ state: "enhanced-review" }), "enhanced-review", "contact-not-private"],
    ["an active 104, contact private", patient({ state: "enhanced-review", contactIsPrivate: true }), "enhanced-review", null],
    ["default", patient(), null, "no-active-104"],
    ["106 after a 104", patient({ state: "review-cleared" }), null, "no-active-104"],
  ] as const)("%s", (_name, p, optOut, optIn) => {
    expect(exclusionReason("opt-out-announcement", p, AS_OF)).toBe(optOut);
    expect(exclusionReason("opt-in-invitation", p, AS_OF)).toBe(optIn);
  });

  it("counts 16 on the 16th birthday", () => {
    expect(exclusionReason("opt-out-announcement", patient({ dateOfBirth: "2010-11-21" }), AS_OF)).toBeNull();
  });

  it("never sends a 104 patient the opt-out announcement, or anyone without a 104 the invitation", () => {
    const states: AccessState[] = ["declined", "conflict", "enhanced-review", "review-cleared", "default"];
    for (const state of states) {
      for (const contactIsPrivate of [true, false]) {
        const p = patient({ state, contactIsPrivate });
        if (exclusionReason("opt-out-announcement", p, AS_OF) === null) expect(["default", "review-cleared"]).toContain(state);
        if (exclusionReason("opt-in-invitation", p, AS_OF) === null) {
          expect(state).toBe("enhanced-review");
          expect(contactIsPrivate).toBe(true);
        }
      }
    }
  });
});

describe("campaignCohort", () => {
  it("splits the cohort into email and letters, and counts every exclusion", () => {
    const list = [
      patient({ id: "a" }),
      patient({ id: "b", email: null }),
      patient({ id: "c", deceased: true }),
      patient({ id: "d", state: "enhanced-review" }),
      patient({ id: "e", state: "review-cleared" }),
      patient({ id: "f", dateOfBirth: "2015-01-01", email: null }),
    ];
    const cohort = campaignCohort("opt-out-announcement", list, AS_OF);
    expect(cohort.email.map((p) => p.id)).toEqual(["a", "e"]);
    expect(cohort.letters.map((p) => p.id)).toEqual(["b"]);
    expect(cohort.excluded).toMatchObject({ deceased: 1, "enhanced-review": 1, "under-16": 1, declined: 0 });
    const counted = cohort.email.length + cohort.letters.length + Object.values(cohort.excluded).reduce((a, b) => a + b, 0);
    expect(counted).toBe(list.length);
  });
});
