import { describe, expect, it } from "vitest";
import { registrationLetterRefusal, type RegistrationLetterFacts } from "../../../app/domain/registration-letter-rules";

// Issue 18: who may be sent an NHS App registration letter on the day it is produced.

const TODAY = "2026-11-21";
const adult: RegistrationLetterFacts = { dateOfBirth: "1970-01-01", enhancedReview: false, confirmedAtRisk: false, grantedInForce: false };

describe("registrationLetterRefusal", () => {
  it.each([
    ["an adult with nothing recorded", {}, null],
    ["an adult with an active 104", { enhancedReview: true }, "enhanced-review"],
    ["an adult confirmed at risk", { confirmedAtRisk: true }, "confirmed-at-risk"],
    ["an adult confirmed at risk with an active 104", { confirmedAtRisk: true, enhancedReview: true }, "confirmed-at-risk"],
    ["an adult with an active 104 and a grant in force", { enhancedReview: true, grantedInForce: true }, null],
    ["an adult confirmed at risk and a grant in force", { confirmedAtRisk: true, enhancedReview: true, grantedInForce: true }, null],
    ["someone 15 today", { dateOfBirth: "2010-11-22" }, "under-16"],
    ["someone 15 today with a grant in force", { dateOfBirth: "2010-11-22", grantedInForce: true }, "under-16"],
    ["someone 15 today, confirmed at risk", { dateOfBirth: "2010-11-22", confirmedAtRisk: true }, "under-16"],
    ["someone 16 today", { dateOfBirth: "2010-11-21" }, null],
    ["someone 16 today with an active 104", { dateOfBirth: "2010-11-21", enhancedReview: true }, "enhanced-review"],
  ] as const)("%s: %j gives %s", (_what, facts, refusal) => {
    expect(registrationLetterRefusal({ ...adult, ...facts }, TODAY)).toBe(refusal);
  });

  it("judges age on the day the letter is produced: a leapling is 16 only once 28 February is over", () => {
    const leapling = { ...adult, dateOfBirth: "2012-02-29" };
    expect(registrationLetterRefusal(leapling, "2028-02-28")).toBe("under-16");
    expect(registrationLetterRefusal(leapling, "2028-02-29")).toBeNull();
    expect(registrationLetterRefusal({ ...adult, dateOfBirth: "2011-02-28" }, "2027-02-27")).toBe("under-16");
    expect(registrationLetterRefusal({ ...adult, dateOfBirth: "2011-02-28" }, "2027-02-28")).toBeNull();
  });
});
